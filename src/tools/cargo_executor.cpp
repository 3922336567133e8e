// cargo_check, cargo_build, cargo_clippy: cargo with --message-format=json, diagnostics compact.
#include <fmt/format.h>

#include "tools/capped_text.hpp"
#include "tools/cargo_diagnostics.hpp"
#include "tools/cargo_invocation.hpp"
#include "tools/executors.hpp"

namespace agentry::tools {

namespace {

class CargoTool final : public SpecTool {
 public:
  CargoTool(ToolSpec spec, SharedServices services)
      : SpecTool(std::move(spec), std::move(services)),
        subcommand_(spec_.schema.name.substr(spec_.schema.name.find('_') + 1)) {}

  Result<ToolOutput> run(const nlohmann::json& args, const ToolContext& context) override {
    auto ws = open_workspace(context, spec_);
    if (!ws) return tl::make_unexpected(ws.error());
    auto root = find_cargo_root(*ws);
    if (!root.dir) return model_error(root.problem);
    std::vector<std::string> argv = {"cargo", subcommand_, "--message-format=json", "--color",
                                     "never"};
    auto options = CargoOptions::from_arguments(args);
    if (!options) return model_error(options.error());
    auto flags = options->flags();
    argv.insert(argv.end(), flags.begin(), flags.end());
    std::string command = "cargo " + subcommand_;
    auto result = run_logged(*services_, cargo_request(*services_, spec_, *ws, *root.dir, argv),
                             context.stop);
    if (!result) return tl::make_unexpected(result.error());

    auto report = parse_cargo_messages(result->out.text, cargo_path_mapper(*ws, *root.dir));
    nlohmann::json details = {
        {"command", display_command(argv)},      {"cwd", ws->display(*root.dir)},
        {"exit_code", result->exit_code},        {"errors", report.errors()},
        {"warnings", report.warnings()},         {"fixable", report.fixable()},
        {"diagnostics", nlohmann::json::array()}};
    for (const auto& d : report.diagnostics)
      details["diagnostics"].push_back(to_json(d));
    std::size_t budget = spec_.limits.output_cap > 512 ? spec_.limits.output_cap - 512 : 512;

    if (auto abnormal = abnormal_end(*result, command, spec_); !abnormal.empty()) {
      details["success"] = false;
      return model_error(abnormal + "; diagnostics so far:\n" + render_diagnostics(report, budget),
                         details);
    }
    bool success = report.build_success.value_or(result->exit_code == 0) && result->exit_code == 0;
    details["success"] = success;
    if (!report.build_success && !success) {
      // cargo stopped before compiling: a manifest or resolution problem only stderr explains.
      return model_error(
          fmt::format("{} failed before compiling (exit {}):\n{}", command, result->exit_code,
                      cargo_stderr_summary(result->err.text, budget)),
          details);
    }
    std::string out = summary_line(command, success, report);
    out += render_diagnostics(report, budget);
    if (!success && report.errors() == 0) out += cargo_stderr_summary(result->err.text, budget / 4);
    return ToolOutput{std::move(out), !success, std::move(details)};
  }

 private:
  static std::string summary_line(const std::string& command, bool success,
                                  const CargoReport& report) {
    std::string counts =
        fmt::format("{} error{}, {} warning{}", report.errors(), report.errors() == 1 ? "" : "s",
                    report.warnings(), report.warnings() == 1 ? "" : "s");
    if (report.diagnostics.empty()) counts = "no errors or warnings";
    std::string line = fmt::format("{}: {}, {}", command, success ? "ok" : "failed", counts);
    // clippy_fix cannot run while the crate does not compile, so it is named only when it does.
    if (success && report.errors() == 0 && report.fixable() > 0)
      line += fmt::format(" ({} fixable by clippy_fix)", report.fixable());
    return line + "\n";
  }

  std::string subcommand_;
};

}  // namespace

std::unique_ptr<Tool> make_cargo_tool(ToolSpec spec, SharedServices services) {
  return std::make_unique<CargoTool>(std::move(spec), std::move(services));
}

}  // namespace agentry::tools
