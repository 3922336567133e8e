// clippy_fix: `cargo clippy --fix` applies only machine-applicable suggestions; report the files
// it changed, their diff and the lints still left.
#include <fmt/format.h>

#include "tools/capped_text.hpp"
#include "tools/cargo_diagnostics.hpp"
#include "tools/cargo_invocation.hpp"
#include "tools/executors.hpp"
#include "tools/file_snapshot.hpp"

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
    auto show = [&](const fs::path& p) { return ws->display(p.lexically_normal()); };
    auto before = FileSnapshot::take(*root.dir, show);
    auto result = run_logged(*services_, cargo_request(*services_, spec_, *ws, *root.dir, argv),
                             context.stop);
    if (!result) return tl::make_unexpected(result.error());
    auto after = FileSnapshot::take(*root.dir, show);
    auto changed = before.changed(after);
    std::size_t budget = spec_.limits.output_cap > 512 ? spec_.limits.output_cap - 512 : 512;

    auto remaining = parse_cargo_messages(result->out.text, cargo_path_mapper(*ws, *root.dir));
    nlohmann::json details = {{"command", display_command(argv)},
                              {"exit_code", result->exit_code},
                              {"changed", changed},
                              {"errors", remaining.errors()},
                              {"warnings", remaining.warnings()},
                              {"diagnostics", nlohmann::json::array()}};
    for (const auto& d : remaining.diagnostics)
      details["diagnostics"].push_back(to_json(d));
    if (auto abnormal = abnormal_end(*result, "clippy_fix", spec_); !abnormal.empty())
      return model_error(abnormal + (changed.empty() ? ""
                                                     : fmt::format("; files changed so far: {}",
                                                                   fmt::join(changed, ", "))),
                         details);
    bool ok = result->exit_code == 0;
    std::string out;
    if (changed.empty()) {
      out = "clippy_fix: no machine-applicable fixes; nothing changed\n";
    } else {
      out = fmt::format("clippy_fix: changed {} file{}: {}\n", changed.size(),
                        changed.size() == 1 ? "" : "s", fmt::join(changed, ", "));
    }
    if (!ok && !remaining.build_success) {
      out += fmt::format("cargo clippy --fix failed (exit {}):\n{}", result->exit_code,
                         cargo_stderr_summary(result->err.text, budget / 2));
    }
    if (remaining.diagnostics.empty()) {
      out += "left: no errors or warnings\n";
    } else {
      out += fmt::format("left: {} errors, {} warnings (fix these by hand):\n", remaining.errors(),
                         remaining.warnings());
      out += render_diagnostics(remaining, budget / 2);
    }
    if (!changed.empty())
      out += cap_text(before.diff(after), budget - std::min(budget, out.size()));
    return ToolOutput{std::move(out), !ok, std::move(details)};
  }
};

}  // namespace

std::unique_ptr<Tool> make_clippy_fix_tool(ToolSpec spec, SharedServices services) {
  return std::make_unique<ClippyFixTool>(std::move(spec), std::move(services));
}

}  // namespace agentry::tools
