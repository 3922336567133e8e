// cargo_test: compile errors like cargo_check, else passed/failed/ignored and each failure's
// output.
#include <fmt/format.h>

#include "tools/capped_text.hpp"
#include "tools/cargo_diagnostics.hpp"
#include "tools/cargo_invocation.hpp"
#include "tools/executors.hpp"
#include "tools/libtest_report.hpp"

namespace agentry::tools {

namespace {

class CargoTestTool final : public SpecTool {
 public:
  using SpecTool::SpecTool;

  Result<ToolOutput> run(const nlohmann::json& args, const ToolContext& context) override {
    auto ws = open_workspace(context, spec_);
    if (!ws) return tl::make_unexpected(ws.error());
    auto root = find_cargo_root(*ws);
    if (!root.dir) return model_error(root.problem);
    std::vector<std::string> argv = {"cargo",   "test",  "--message-format=json",
                                     "--color", "never", "--no-fail-fast"};
    auto options = CargoOptions::from_arguments(args);
    if (!options) return model_error(options.error());
    auto flags = options->flags();
    argv.insert(argv.end(), flags.begin(), flags.end());
    std::string filter = args.value("test_name", std::string());
    if (auto problem = test_filter_problem(filter); !problem.empty()) return model_error(problem);
    // The filter is libtest's, after a second `--`: neither cargo nor libtest (nor rustdoc for
    // the doc tests) reads it as an option, whatever it holds.
    argv.insert(argv.end(), {"--", "--color", "never"});
    if (!filter.empty()) argv.insert(argv.end(), {"--", filter});
    auto result = run_logged(*services_, cargo_request(*services_, spec_, *ws, *root.dir, argv),
                             context.stop);
    if (!result) return tl::make_unexpected(result.error());

    std::size_t budget = spec_.limits.output_cap > 512 ? spec_.limits.output_cap - 512 : 512;
    auto build = parse_cargo_messages(result->out.text, cargo_path_mapper(*ws, *root.dir));
    auto tests = parse_libtest_output(result->out.text);
    nlohmann::json details = {{"command", display_command(argv)},
                              {"exit_code", result->exit_code},
                              {"passed", tests.passed},
                              {"failed", tests.failed},
                              {"ignored", tests.ignored},
                              {"filtered_out", tests.filtered_out},
                              {"failures", nlohmann::json::array()},
                              {"diagnostics", nlohmann::json::array()}};
    for (const auto& f : tests.failures)
      details["failures"].push_back({{"name", f.name}, {"output", f.output}});
    for (const auto& d : build.diagnostics)
      details["diagnostics"].push_back(to_json(d));
    if (auto abnormal = abnormal_end(*result, "cargo test", spec_); !abnormal.empty())
      return model_error(abnormal + "\n" + describe(tests, budget), details);
    if (build.build_success == false || (build.errors() > 0 && tests.suites == 0)) {
      return model_error(
          fmt::format("cargo test: the tests do not compile, {} error{}\n{}", build.errors(),
                      build.errors() == 1 ? "" : "s", render_diagnostics(build, budget)),
          details);
    }
    if (!build.build_success) {
      return model_error(
          fmt::format("cargo test failed before compiling (exit {}):\n{}", result->exit_code,
                      cargo_stderr_summary(result->err.text, budget)),
          details);
    }
    bool ok = result->exit_code == 0 && tests.failed == 0;
    std::string out = describe(tests, budget);
    if (!ok && tests.failed == 0)  // a test binary crashed, or something else only stderr says
      out += cargo_stderr_summary(result->err.text, budget / 2);
    if (tests.suites == 0 && ok) out = "cargo test: ok, the crate has no tests\n";
    return ToolOutput{std::move(out), !ok, std::move(details)};
  }

 private:
  static std::string describe(const TestReport& t, std::size_t budget) {
    std::string out = fmt::format("cargo test: {}, {} passed, {} failed, {} ignored",
                                  t.failed == 0 ? "ok" : "FAILED", t.passed, t.failed, t.ignored);
    if (t.filtered_out > 0) out += fmt::format(", {} filtered out", t.filtered_out);
    out += fmt::format(" ({} test binar{})\n", t.suites, t.suites == 1 ? "y" : "ies");
    if (t.failures.empty()) return out;
    std::vector<std::string> names;
    for (const auto& f : t.failures)
      names.push_back(f.name);
    out += fmt::format("failed: {}\n", fmt::join(names, ", "));
    for (const auto& f : t.failures) {
      if (f.output.empty()) continue;
      out += fmt::format("---- {} ----\n{}\n", f.name, f.output);
    }
    return cap_text(out, budget);
  }
};

}  // namespace

std::unique_ptr<Tool> make_cargo_test_tool(ToolSpec spec, SharedServices services) {
  return std::make_unique<CargoTestTool>(std::move(spec), std::move(services));
}

}  // namespace agentry::tools
