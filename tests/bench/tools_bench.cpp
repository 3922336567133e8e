// Tools benchmarks. Run by hand: build/agentry_bench --benchmark_filter=Tools
//  - bytes given to the model for clippy on a crate with 50 warnings: the compact result vs
//    cargo's own rendering (the bar: <= 25%, every lint, file and line kept; the byte ratio is
//    also asserted, without timing, in tests/tools/cargo_executor_test.cpp);
//  - the process runner's overhead per call vs posix_spawn + waitpid of the same argv
//    (the bar: < 2 ms).
#include <cstdlib>
#include <filesystem>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include "core/build_paths.hpp"
#include "tools/cargo_diagnostics.hpp"
#include "tools/process_runner.hpp"
#include "tools/tool_registry.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace agentry;

Environment environment_with_cargo() {
  Environment env = Environment::from_process();
  env.set("PATH", env.home().string() + "/.cargo/bin:" + env.get_or("PATH", "/usr/bin:/bin"));
  return env;
}

/// One real clippy run on the 50-warning fixture, shared by the benchmarks that need it.
struct ClippyRun {
  std::string json_stream;
  std::string tool_content;
  std::string rendered;

  static const ClippyRun& get() {
    static const ClippyRun run = make();
    return run;
  }

 private:
  static ClippyRun make() {
    char tmpl[] = "/tmp/agentry-bench-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
    fs::path dir(tmpl);
    fs::copy(fs::path(AGENTRY_SOURCE_DIR) / "tests/fixtures/crates/many_warnings", dir / "crate",
             fs::copy_options::recursive);
    tools::PosixProcessRunner runner;
    tools::ToolServices services;
    services.runner = &runner;
    services.environment = environment_with_cargo();
    services.cargo_target_dir = dir / "target";
    auto registry = tools::ToolRegistry::load(fs::path(AGENTRY_SOURCE_DIR) / "tools", services);
    if (!registry) throw std::runtime_error(registry.error().to_string());
    auto out = registry->find("cargo_clippy")->run(nlohmann::json::object(), {dir / "crate", {}});
    if (!out) throw std::runtime_error(out.error().to_string());

    tools::ProcessRequest req;
    req.argv = {"cargo", "clippy", "--message-format=json", "--color", "never"};
    req.cwd = dir / "crate";
    req.environment = tools::child_environment(services.environment);
    req.environment.set("CARGO_TARGET_DIR", (dir / "target").string());
    auto raw = runner.run(req, {});
    if (!raw) throw std::runtime_error(raw.error().to_string());
    ClippyRun run{raw->out.text, out->content, tools::rendered_text(raw->out.text)};
    fs::remove_all(dir);
    return run;
  }
};

void BM_Tools_ClippyCompactVsRendered(benchmark::State& state) {
  const auto& run = ClippyRun::get();
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto report = tools::parse_cargo_messages(run.json_stream);
    auto text = tools::render_diagnostics(report, 32 * 1024);
    bytes = text.size();
    benchmark::DoNotOptimize(text);
  }
  state.counters["diagnostics"] =
      static_cast<double>(tools::parse_cargo_messages(run.json_stream).diagnostics.size());
  state.counters["model_bytes"] = static_cast<double>(run.tool_content.size());
  state.counters["rendered_bytes"] = static_cast<double>(run.rendered.size());
  state.counters["ratio_pct"] = 100.0 * static_cast<double>(run.tool_content.size()) /
                                static_cast<double>(run.rendered.size());
  state.counters["render_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_Tools_ClippyCompactVsRendered)->Unit(benchmark::kMicrosecond);

void BM_Tools_RunnerTrue(benchmark::State& state) {
  tools::PosixProcessRunner runner;
  tools::ProcessRequest req;
  req.argv = {"/bin/true"};
  req.cwd = "/";
  req.environment = tools::child_environment(Environment::from_process());
  for (auto _ : state) {
    auto result = runner.run(req, {});
    if (!result || result->exit_code != 0) state.SkipWithError("runner failed");
  }
}
BENCHMARK(BM_Tools_RunnerTrue)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

void BM_Tools_DirectSpawnTrue(benchmark::State& state) {
  char arg0[] = "/bin/true";
  char* argv[] = {arg0, nullptr};
  for (auto _ : state) {
    pid_t pid = -1;
    if (::posix_spawn(&pid, "/bin/true", nullptr, nullptr, argv, environ) != 0)
      state.SkipWithError("spawn failed");
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
}
BENCHMARK(BM_Tools_DirectSpawnTrue)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

}  // namespace
