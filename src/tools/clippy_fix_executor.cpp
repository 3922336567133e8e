// clippy_fix: `cargo clippy --fix` applies only machine-applicable suggestions; report the files
// it changed, their diff and the lints still left.
#include <fmt/format.h>

#include "tools/capped_text.hpp"
#include "tools/cargo_diagnostics.hpp"
#include "tools/cargo_invocation.hpp"
#include "tools/executors.hpp"
#include "tools/file_snapshot.hpp"
#include "tools/write_confinement.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;

namespace {

class ClippyFixTool final : public SpecTool {
 public:
  using SpecTool::SpecTool;

  Result<ToolOutput> run(const nlohmann::json& args, const ToolContext& context) override {
    auto ws = open_workspace(context, spec_);
    if (!ws) return tl::make_unexpected(ws.error());
    auto root = find_cargo_root(*ws);
    if (!root.dir) return model_error(root.problem);
    // --allow-dirty/--allow-no-vcs: the workspace is the agent's to change; the approval (ask)
    // is where a person decides, not git's state.
    std::vector<std::string> argv = {"cargo",
                                     "clippy",
                                     "--fix",
                                     "--allow-dirty",
                                     "--allow-no-vcs",
                                     "--allow-staged",
                                     "--message-format=json",
                                     "--color",
                                     "never"};
    auto options = CargoOptions::from_arguments(args);
    if (!options) return model_error(options.error());
    auto flags = options->flags();
    argv.insert(argv.end(), flags.begin(), flags.end());
    auto refusal = check_before_fixing(*ws, *root.dir, flags, context);
    if (!refusal) return tl::make_unexpected(refusal.error());
    if (*refusal) return std::move(**refusal);
    auto show = [&](const fs::path& p) { return ws->display(p.lexically_normal()); };
    auto before = FileSnapshot::take(*ws, *root.dir, show);
    // One pass of cargo fix skips suggestions that overlap and cannot see the lints its own
    // fixes reveal: run it again while it changes something and machine-applicable fixes are
    // left (within the tool's time), so what is listed as left is what clippy_fix cannot do.
    auto last = before;
    std::optional<ProcessResult> result;
    CargoReport remaining;
    int passes = 0;  // the ones that changed something
    for (int pass = 1; pass <= kMaxPasses; ++pass) {
      if (pass > 1) {
        // The code changed: what the next pass would compile and write is checked again, as
        // before the first one; when it may not run, the passes so far are the result.
        auto again = check_before_fixing(*ws, *root.dir, flags, context);
        if (!again) return tl::make_unexpected(again.error());
        if (*again) break;
      }
      auto ran = run_logged(*services_, cargo_request(*services_, spec_, *ws, *root.dir, argv),
                            context.stop);
      if (!ran) return tl::make_unexpected(ran.error());
      result = std::move(*ran);
      auto now = FileSnapshot::take(*ws, *root.dir, show);
      bool changed_now = !last.changed(now).empty();
      last = std::move(now);
      remaining = parse_cargo_messages(result->out.text, cargo_path_mapper(*ws, *root.dir));
      passes += changed_now ? 1 : 0;
      if (!changed_now || !result->succeeded() || remaining.fixable() == 0 || context.out_of_time())
        break;
    }
    auto changed = before.changed(last);
    std::size_t budget = output_budget();

    auto details = details_of(argv, *result, remaining);
    details["changed"] = changed;
    details["passes"] = passes;
    std::string changed_so_far = fmt::format("files changed so far: {}", fmt::join(changed, ", "));
    if (auto abnormal = abnormal_end(*result, "clippy_fix", spec_); !abnormal.empty())
      return model_error(abnormal + (changed.empty() ? "" : "; " + changed_so_far), details);
    bool ok = result->exit_code == 0;
    std::string out;
    if (!ok) {
      auto failure = build_failure("cargo clippy --fix", *result, remaining, budget / 2);
      out = fmt::format("clippy_fix: {}:\n{}", failure.headline, failure.body);
      if (!changed.empty()) out += changed_so_far + "\n";
    } else {
      out = changed.empty() ? "clippy_fix: no machine-applicable fixes; nothing changed\n"
                            : fmt::format("clippy_fix: changed {} file{}{}: {}\n", changed.size(),
                                          changed.size() == 1 ? "" : "s",
                                          passes > 1 ? fmt::format(" in {} passes", passes) : "",
                                          fmt::join(changed, ", "));
      if (remaining.diagnostics.empty()) {
        out += "left: no errors or warnings\n";
      } else {
        out += fmt::format("left: {} error{}, {} warning{} (fix these by hand):\n",
                           remaining.errors(), remaining.errors() == 1 ? "" : "s",
                           remaining.warnings(), remaining.warnings() == 1 ? "" : "s");
        out += render_diagnostics(remaining, budget / 2);
      }
    }
    if (!changed.empty()) out += cap_text(before.diff(last), budget - std::min(budget, out.size()));
    return ToolOutput{std::move(out), !ok, std::move(details)};
  }

 private:
  static constexpr int kMaxPasses = 4;

  std::size_t output_budget() const {
    return spec_.limits.output_cap > 512 ? spec_.limits.output_cap - 512 : 512;
  }

  static nlohmann::json details_of(const std::vector<std::string>& argv,
                                   const ProcessResult& result, const CargoReport& report) {
    nlohmann::json details = {{"command", display_command(argv)},
                              {"exit_code", result.exit_code},
                              {"build_success", nullptr},
                              {"changed", nlohmann::json::array()},
                              {"errors", report.errors()},
                              {"warnings", report.warnings()},
                              {"diagnostics", nlohmann::json::array()}};
    if (report.build_success) details["build_success"] = *report.build_success;
    for (const auto& d : report.diagnostics)
      details["diagnostics"].push_back(to_json(d));
    return details;
  }

  /// Why a cargo run that exited non-zero failed: the compiler's errors, compact as the cargo
  /// tools give them, or cargo's stderr when it stopped before compiling (a manifest problem)
  /// or the errors say nothing (a build script that failed).
  struct BuildFailure {
    std::string headline;  ///< "the crate does not compile (cargo clippy exit 101, 1 error, …)"
    std::string body;
  };
  static BuildFailure build_failure(const std::string& command, const ProcessResult& result,
                                    const CargoReport& report, std::size_t budget) {
    if (!report.build_success && report.diagnostics.empty())
      return {fmt::format("{} failed before compiling (exit {})", command, result.exit_code),
              cargo_stderr_summary(result.err.text, budget)};
    BuildFailure failure{
        fmt::format("the crate does not compile ({} exit {}, {} error{}, {} warning{}); clippy "
                    "fixes only code that compiles: fix these errors by hand, then call "
                    "clippy_fix again",
                    command, result.exit_code, report.errors(), report.errors() == 1 ? "" : "s",
                    report.warnings(), report.warnings() == 1 ? "" : "s"),
        render_diagnostics(report, budget)};
    if (report.errors() == 0) failure.body += cargo_stderr_summary(result.err.text, budget / 4);
    return failure;
  }

  /// The pre-pass: `cargo clippy` with the same flags, without --fix, and with lints capped at
  /// warn as cargo fix caps them (so a `#![deny(warnings)]` crate compiles here as it does
  /// there, and every crate the fix would reach is compiled and seen). A crate that does not
  /// compile is reported with its errors, and the fix is not run: cargo fix changes nothing in
  /// code that does not compile. Else every source rustc compiled for the local crates
  /// (dep-info) and every file a machine-applicable suggestion names must lie inside the
  /// workspace and outside the settings folders, or the fix does not run. The answer for the
  /// model when the fix must not run, or nullopt when it may.
  Result<std::optional<ToolOutput>> check_before_fixing(const Workspace& ws, const fs::path& root,
                                                        const std::vector<std::string>& flags,
                                                        const ToolContext& context) const {
    std::vector<std::string> argv = {"cargo", "clippy", "--message-format=json", "--color",
                                     "never"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.insert(argv.end(), {"--", "--cap-lints=warn"});
    auto seen =
        run_logged(*services_, cargo_request(*services_, spec_, ws, root, argv), context.stop);
    if (!seen) return tl::make_unexpected(seen.error());
    if (auto abnormal = abnormal_end(*seen, "clippy_fix (checking what it would change)", spec_);
        !abnormal.empty())
      return model_error(abnormal);
    if (seen->exit_code != 0) {
      auto report = parse_cargo_messages(seen->out.text, cargo_path_mapper(ws, root));
      auto failure = build_failure("cargo clippy", *seen, report, output_budget());
      return std::optional<ToolOutput>(model_error(
          fmt::format("clippy_fix did not run: {}:\n{}", failure.headline, failure.body),
          details_of(argv, *seen, report)));
    }
    auto compiled = compiled_sources(seen->out.text);
    std::vector<fs::path> files = compiled.files;
    auto report = parse_cargo_messages(seen->out.text, [](const std::string& f) { return f; });
    for (const auto& d : report.diagnostics)
      if (d.fix)
        for (const auto& edit : d.fix->edits)
          files.emplace_back(edit.file);
    std::vector<fs::path> generated = {cargo_target_folder(services_->cargo_target_dir, ws, root)};
    if (auto env = services_->environment.get("CARGO_TARGET_DIR"); env && !env->empty())
      generated.emplace_back(*env);
    std::optional<std::string> problem;
    if (seen->out.dropped_bytes > 0)
      problem = "cargo's output was too long to see every file it would change";
    else if (!compiled.unreadable.empty())
      problem = fmt::format("rustc's list of the crate's sources ({}) could not be read",
                            compiled.unreadable.front().string());
    else
      problem = confinement_problem(ws, files, root, generated);
    if (!problem) return std::optional<ToolOutput>();
    return std::optional<ToolOutput>(
        model_error(fmt::format("clippy_fix was refused and nothing was changed: {}", *problem),
                    {{"refused", true}}));
  }
};

}  // namespace

std::unique_ptr<Tool> make_clippy_fix_tool(ToolSpec spec, SharedServices services) {
  return std::make_unique<ClippyFixTool>(std::move(spec), std::move(services));
}

}  // namespace agentry::tools
