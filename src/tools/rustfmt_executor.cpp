// rustfmt: `cargo fmt --all`, check (files + diff) or apply (files changed); parse errors apart.
#include <fmt/format.h>

#include "tools/capped_text.hpp"
#include "tools/cargo_invocation.hpp"
#include "tools/executors.hpp"
#include "tools/file_snapshot.hpp"
#include "tools/rustfmt_report.hpp"
#include "tools/write_confinement.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;

namespace {

class RustfmtTool final : public SpecTool {
 public:
  using SpecTool::SpecTool;

  Result<ToolOutput> run(const nlohmann::json& args, const ToolContext& context) override {
    auto ws = open_workspace(context, spec_);
    if (!ws) return tl::make_unexpected(ws.error());
    auto root = find_cargo_root(*ws);
    if (!root.dir) return model_error(root.problem);
    bool apply = args.value("mode", std::string("check")) == "apply";
    std::vector<std::string> argv = {"cargo", "fmt", "--all"};
    if (!apply) argv.push_back("--check");
    argv.insert(argv.end(), {"--", "--color", "never"});
    auto show = [&](const fs::path& p) {
      fs::path n = p.lexically_normal();
      return ws->contains(n) ? ws->display(n) : n.string();
    };
    auto show_text = [&](const std::string& p) { return show(fs::path(p)); };
    std::size_t budget = spec_.limits.output_cap > 512 ? spec_.limits.output_cap - 512 : 512;

    if (apply) {
      // What apply would rewrite: exactly the files check reports. None may lie outside the
      // workspace or in a settings folder (rustfmt follows `#[path]` and symlinks).
      auto planned =
          run_logged(*services_,
                     cargo_request(*services_, spec_, *ws, *root.dir,
                                   {"cargo", "fmt", "--all", "--check", "--", "--color", "never"}),
                     context.stop);
      if (!planned) return tl::make_unexpected(planned.error());
      if (auto abnormal = abnormal_end(*planned, "rustfmt check (before apply)", spec_);
          !abnormal.empty())
        return model_error(abnormal);
      std::vector<fs::path> files;
      for (const auto& f :
           parse_rustfmt_check(planned->out.text, "", [](const std::string& p) { return p; }).files)
        files.emplace_back(f.file);
      std::optional<std::string> problem;
      if (planned->out.dropped_bytes > 0)
        problem =
            "its check output was too long to see every file it would write; format part "
            "of the crate by hand first";
      else
        problem = confinement_problem(*ws, files, *root.dir, {});
      if (problem)
        return model_error(
            fmt::format("rustfmt apply was refused and nothing was changed: {}", *problem),
            {{"mode", "apply"}, {"refused", true}});
    }
    auto before = apply ? FileSnapshot::take(*ws, *root.dir, show) : FileSnapshot{};
    auto result = run_logged(*services_, cargo_request(*services_, spec_, *ws, *root.dir, argv),
                             context.stop);
    if (!result) return tl::make_unexpected(result.error());
    std::string command = apply ? "rustfmt apply" : "rustfmt check";
    if (auto abnormal = abnormal_end(*result, command, spec_); !abnormal.empty())
      return model_error(abnormal);

    auto report = parse_rustfmt_check(result->out.text, result->err.text, show_text);
    nlohmann::json details = {
        {"command", display_command(argv)}, {"mode", apply ? "apply" : "check"},
        {"exit_code", result->exit_code},   {"parse_error", report.parse_error},
        {"warnings", report.warnings},      {"files", nlohmann::json::array()}};
    bool failed = result->exit_code != 0;
    // What went wrong, if anything: a parse error, another error rustfmt printed, or a failure
    // it gave no reason for. Warnings alone are no failure and are reported apart.
    std::string out;
    if (report.parse_error) {
      out = fmt::format(
          "{}: rustfmt could not parse the code (a syntax error, not a formatting "
          "issue); fix it, then format again:\n{}\n",
          command, cap_text(report.errors, budget / 2));
    } else if (!report.errors.empty()) {
      out = fmt::format("{}: rustfmt reported an error (exit {}):\n{}\n", command,
                        result->exit_code, cap_text(report.errors, budget / 2));
    }
    std::string warned;
    if (!report.warnings.empty())
      warned = cap_text(
          fmt::format("rustfmt printed {} warning{} (not errors):\n{}\n", report.warnings.size(),
                      report.warnings.size() == 1 ? "" : "s", fmt::join(report.warnings, "\n")),
          budget / 4);
    if (apply) {
      auto after = FileSnapshot::take(*ws, *root.dir, show);
      auto changed = before.changed(after);
      for (const auto& f : changed)
        details["files"].push_back(f);
      if (!changed.empty())
        out += fmt::format("rustfmt apply: formatted {} file{}: {}\n", changed.size(),
                           changed.size() == 1 ? "" : "s", fmt::join(changed, ", "));
      else if (!failed)
        out += "rustfmt apply: every file was already formatted; nothing changed\n";
      else if (out.empty())
        out =
            fmt::format("rustfmt apply failed (exit {}) and changed nothing\n", result->exit_code);
      out += warned;
      if (!changed.empty())
        out += cap_text(before.diff(after), budget - std::min(budget, out.size()));
      return ToolOutput{std::move(out), failed, std::move(details)};
    }
    for (const auto& f : report.files)
      details["files"].push_back({{"file", f.file}, {"hunks", f.hunks}});
    std::vector<std::string> names;
    for (const auto& f : report.files)
      names.push_back(f.file);
    if (!names.empty())
      out += fmt::format(
          "rustfmt check: {} file{} need{} formatting (rustfmt with mode apply fixes this): {}\n",
          names.size(), names.size() == 1 ? "" : "s", names.size() == 1 ? "s" : "",
          fmt::join(names, ", "));
    else if (!failed && out.empty())
      out = "rustfmt check: ok, every file is formatted\n";
    else if (out.empty())
      out = fmt::format("rustfmt check failed (exit {})\n", result->exit_code);
    out += warned;
    std::string diffs;
    for (const auto& f : report.files)
      diffs += fmt::format("--- {}\n{}", f.file, f.diff);
    out += cap_text(diffs, budget - std::min(budget, out.size()));
    return ToolOutput{std::move(out), failed, std::move(details)};
  }
};

}  // namespace

std::unique_ptr<Tool> make_rustfmt_tool(ToolSpec spec, SharedServices services) {
  return std::make_unique<RustfmtTool>(std::move(spec), std::move(services));
}

}  // namespace agentry::tools
