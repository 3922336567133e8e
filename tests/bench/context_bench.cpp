// What a long session costs (issue 17), against the fake LLM server's own accounting:
//   BM_ContextCache/1, /0  the same scripted 30-turn rust-pro task (30 reads of ~4 KB source
//                          files, then the answer) over Anthropic with caching on, and with
//                          `cache: off`: input tokens, cache reads and writes, billable input
//                          (input + 1.25 x cache writes + 0.1 x cache reads) and the run's cost
//                          at $3 / $15 per million input / output tokens.
//   BM_ContextCompaction   150 turns of ~20 KB reads in a 32,000-token window: the prompt tokens
//                          per request before the first compaction and after it, the number of
//                          compactions (stream-json context.compacted) and of refused requests.
// tests/bench/claude_code_compare.sh runs Claude Code on the 30-turn script for the comparison.
//
// Runs the real binary: $AGENTRY_BIN, else agentry in the build folder.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../cli/support/long_session.hpp"
#include "core/build_paths.hpp"
#include "core/scoped_temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
namespace e2e = agentry::cli::e2e;

std::string agentry_binary() {
  const char* bin = std::getenv("AGENTRY_BIN");
  return bin != nullptr ? bin : std::string(AGENTRY_BINARY_DIR) + "/agentry";
}

std::unique_ptr<agentry::fakellm::FakeLlmServer> serve(const std::string& script_json) {
  auto script = agentry::fakellm::parse_script(json::parse(script_json));
  if (!script) return nullptr;
  auto server = agentry::fakellm::FakeLlmServer::start(std::move(*script));
  return server ? std::move(*server) : nullptr;
}

/// `agentry run --agent rust-pro` in a fresh home holding the crate and `config`; stdout (in
/// `format`) goes to the returned file. The exit status is in `status`.
struct Run {
  agentry::ScopedTempDir home;
  int status = -1;
  fs::path out() const { return home.path() / "out.txt"; }
};

std::unique_ptr<Run> run_agentry(const std::string& config, std::size_t file_bytes,
                                 const std::string& format) {
  auto dir = agentry::ScopedTempDir::create("agentry-context-bench");
  if (!dir) return nullptr;
  auto run = std::make_unique<Run>(Run{std::move(*dir)});
  fs::path root = run->home.path();
  fs::create_directories(root / "ws");
  fs::create_directories(root / "config" / "agentry");
  e2e::write_large_crate(root / "ws", 12, file_bytes);
  std::ofstream(root / "config" / "agentry" / "config.yaml") << config;
  const char* path = std::getenv("PATH");
  std::string command = fmt::format(
      "env -i HOME='{0}' XDG_CONFIG_HOME='{0}/config' XDG_DATA_HOME='{0}/data' PATH='{1}' "
      "NO_COLOR=1 '{2}' --cwd '{0}/ws' run --agent rust-pro --output-format {3} "
      "'Review every part of the crate, then answer.' >'{4}' 2>'{0}/err.txt'",
      root.string(), path != nullptr ? path : "/usr/bin:/bin", agentry_binary(), format,
      run->out().string());
  int rc = std::system(command.c_str());
  run->status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return run;
}

void BM_ContextCache(benchmark::State& state) {
  bool cache = state.range(0) != 0;
  for (auto _ : state) {
    auto server = serve(e2e::long_session_script(30, 12, json::object()));
    if (!server) return state.SkipWithError("fake server did not start");
    std::string extra = "    prices:\n      fake-model: {input: 3, output: 15}\n";
    if (!cache) extra += "    cache: off\n";
    auto run = run_agentry(e2e::fake_provider_config("anthropic", *server, extra), 4'000, "json");
    if (!run || run->status != 0) return state.SkipWithError("agentry run failed");
    std::ifstream in(run->out());
    auto result = json::parse(in, nullptr, false);
    auto t = server->totals();
    double billable = static_cast<double>(t.input) + 1.25 * static_cast<double>(t.cache_write) +
                      0.1 * static_cast<double>(t.cache_read);
    state.counters["requests"] = static_cast<double>(t.requests);
    state.counters["input"] = static_cast<double>(t.input);
    state.counters["cache_read"] = static_cast<double>(t.cache_read);
    state.counters["cache_write"] = static_cast<double>(t.cache_write);
    state.counters["billable_input"] = billable;
    state.counters["billable_per_turn"] = billable / static_cast<double>(t.requests);
    state.counters["cost_usd"] = !result.is_discarded() && result["total_cost_usd"].is_number()
                                     ? result["total_cost_usd"].get<double>()
                                     : -1.0;
  }
}
BENCHMARK(BM_ContextCache)->Arg(1)->Arg(0)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_ContextCompaction(benchmark::State& state) {
  for (auto _ : state) {
    auto server = serve(e2e::long_session_script(150, 12, json{{"context_window", 32000}}));
    if (!server) return state.SkipWithError("fake server did not start");
    auto run =
        run_agentry(e2e::fake_provider_config("anthropic", *server, "    context_window: 32000\n"),
                    20'000, "stream-json");
    if (!run) return state.SkipWithError("no temporary folder");
    std::ifstream in(run->out());
    int compactions = 0;
    for (std::string line; std::getline(in, line);) {
      auto event = json::parse(line, nullptr, false);
      if (!event.is_discarded() && event.value("type", "") == "context.compacted") ++compactions;
    }
    // The first compaction is where a request's prompt first shrinks.
    auto counts = server->counts();
    double before = 0, after = 0;
    int n_before = 0, n_after = 0;
    bool compacted = false;
    for (std::size_t i = 0; i < counts.size(); ++i) {
      if (counts[i].refused) continue;
      if (i > 0 && counts[i].tokens.prompt < counts[i - 1].tokens.prompt) compacted = true;
      (compacted ? after : before) += static_cast<double>(counts[i].tokens.prompt);
      ++(compacted ? n_after : n_before);
    }
    state.counters["exit_status"] = run->status;
    state.counters["requests"] = static_cast<double>(counts.size());
    state.counters["refused"] = static_cast<double>(server->totals().refused);
    state.counters["compactions"] = compactions;
    state.counters["prompt_per_turn_before"] = n_before > 0 ? before / n_before : 0;
    state.counters["prompt_per_turn_after"] = n_after > 0 ? after / n_after : 0;
  }
}
BENCHMARK(BM_ContextCompaction)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
