#pragma once
// Helpers for the tools suite: the real tool specs, a scripted ProcessRunner (ninja's
// FakeCommandRunner idea), real services with cargo on PATH, and fixture crates copied to a
// temporary workspace.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/build_paths.hpp"
#include "support/temp_dir.hpp"
#include "tools/cargo_diagnostics.hpp"
#include "tools/process_runner.hpp"
#include "tools/tool_registry.hpp"
#include "tools/tool_spec_loader.hpp"

namespace agentry::tools::testing_support {

inline std::filesystem::path tools_dir() {
  return std::filesystem::path(AGENTRY_SOURCE_DIR) / "tools";
}

inline ToolSpec spec_named(const std::string& name) {
  auto spec = load_tool_spec(tools_dir() / (name + ".yaml"));
  REQUIRE_MESSAGE(spec, (spec ? "" : spec.error().to_string()));
  return *spec;
}

/// Records every request and answers with scripted results, in order.
class FakeProcessRunner final : public ProcessRunner {
 public:
  std::vector<ProcessRequest> requests;
  std::vector<Result<ProcessResult>> answers;

  Result<ProcessResult> run(const ProcessRequest& request, std::stop_token) override {
    requests.push_back(request);
    if (answers.empty()) return ProcessResult{0, 0, false, {}, {}, {}, 1};
    auto next = answers.front();
    answers.erase(answers.begin());
    return next;
  }
};

inline ProcessResult exited(int code, std::string out, std::string err = {}) {
  ProcessResult r;
  r.exit_code = code;
  r.out = {out, out.size(), 0};
  r.err = {err, err.size(), 0};
  return r;
}

/// The process environment with ~/.cargo/bin on PATH, as .ci/test sets it.
inline Environment environment_with_cargo() {
  Environment env = Environment::from_process();
  std::string cargo_bin = env.home().string() + "/.cargo/bin";
  std::string path = env.get_or("PATH", "/usr/bin:/bin");
  if (path.find(cargo_bin) == std::string::npos) env.set("PATH", cargo_bin + ":" + path);
  return env;
}

inline ToolServices services_with(ProcessRunner& runner,
                                  Environment env = environment_with_cargo()) {
  ToolServices s;
  s.runner = &runner;
  s.environment = std::move(env);
  return s;
}

inline ToolRegistry registry_with(ProcessRunner& runner, ToolServices services) {
  services.runner = &runner;
  auto registry = ToolRegistry::load(tools_dir(), std::move(services));
  REQUIRE_MESSAGE(registry, (registry ? "" : registry.error().to_string()));
  return std::move(*registry);
}

/// Copies tests/fixtures/crates/<name> into `dir`/<name> and returns that path.
inline std::filesystem::path copy_crate(const std::string& name, const std::filesystem::path& dir) {
  auto to = dir / name;
  std::filesystem::copy(testing::fixtures_dir() / "crates" / name, to,
                        std::filesystem::copy_options::recursive);
  return to;
}

/// Real cargo on a fixture crate: one temporary folder holding the crate and a shared
/// CARGO_TARGET_DIR, and the tool registry with real services.
struct RealCargo {
  testing::TempDir dir{"agentry-cargo"};
  PosixProcessRunner runner;
  ToolRegistry registry = registry_with(runner, [&] {
    auto s = services_with(runner);
    s.cargo_target_dir = dir.path() / "target";
    return s;
  }());

  ToolOutput run(const std::string& tool, const std::filesystem::path& workspace,
                 const nlohmann::json& args = nlohmann::json::object()) {
    auto out = registry.find(tool)->run(args, ToolContext{workspace, {}});
    REQUIRE_MESSAGE(out, (out ? "" : out.error().to_string()));
    return *out;
  }

  /// `cargo SUBCOMMAND --message-format=json` in `crate`, outside the tools: what cargo itself
  /// would have printed and what the diagnostics are.
  struct Raw {
    std::string rendered;  ///< rendered_text(): cargo's own text for the same diagnostics
    CargoReport report;
  };
  Raw raw_json(const std::string& subcommand, const std::filesystem::path& crate) {
    ProcessRequest req;
    req.argv = {"cargo", subcommand, "--message-format=json", "--color", "never"};
    req.cwd = crate;
    req.environment = child_environment(environment_with_cargo());
    req.environment.set("CARGO_TARGET_DIR", (dir.path() / "target").string());
    auto raw = runner.run(req, {});
    REQUIRE(raw);
    return {rendered_text(raw->out.text), parse_cargo_messages(raw->out.text)};
  }
};

/// Every diagnostic's lint, file and line, and every suggestion's fixed line or diff, is in
/// `text`.
inline void check_every_diagnostic_kept(const CargoReport& report, const std::string& text) {
  for (const auto& d : report.diagnostics) {
    std::string where = fmt::format("{}:{}", d.file, d.line);
    CHECK_MESSAGE(text.find(where) != std::string::npos, where);
    CHECK_MESSAGE(text.find(d.code) != std::string::npos, d.code);
    for (const auto& s : d.suggestions)
      for (std::size_t i = 0; i < s.shown.size(); ++i)
        CHECK_MESSAGE(text.find(s.shown[i]) != std::string::npos, s.shown[i]);
  }
}

}  // namespace agentry::tools::testing_support
