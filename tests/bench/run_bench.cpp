// `agentry run` speed against the fake LLM server at 0 ms, side by side in one run (issue 6):
//   BM_RunOneShotVsCurl  `agentry run "hi"` wall time vs one bare `curl` request to the same
//                        server (the floor); bars: ratio <= 2, peak RSS of the run <= 20 MiB.
//   BM_RunTurnOverhead   a 10-turn scripted run (9 read_file calls, then the answer): the time
//                        between consecutive requests, as the server sees them arrive, minus
//                        one model round trip (the same request from agentry's own provider
//                        in-process, on a kept-alive connection) and minus the turn's tool time:
//                        the orchestrator's cost per turn (events, tool dispatch, session store,
//                        history, request building); bar < 2 ms.
// Medians over the iterations are reported as counters (ms, MiB).
//
// Runs the real binary: $AGENTRY_BIN, else agentry in the build folder; curl from PATH.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <numeric>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "core/build_paths.hpp"
#include "core/config.hpp"
#include "core/environment.hpp"
#include "core/message.hpp"
#include "core/scoped_temp_dir.hpp"
#include "fakellm/fake_llm_server.hpp"
#include "llm/curl_global.hpp"
#include "llm/provider_config.hpp"
#include "llm/provider_factory.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Spawned {
  double ms = 0;
  long max_rss_kib = 0;
  int status = -1;
};

/// Runs argv with exactly `env`, stdout to `out_file` (or /dev/null); wall time and peak RSS.
Spawned spawn_and_wait(std::vector<std::string> argv, const std::map<std::string, std::string>& env,
                       const std::string& out_file = "/dev/null") {
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env)
    env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings)
    envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<char*> args;
  for (auto& a : argv)
    args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  Spawned out;
  auto start = Clock::now();
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return out;
  rusage usage{};
  int status = 0;
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  out.ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  out.max_rss_kib = usage.ru_maxrss;
  out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::string agentry_bin() {
  const char* bin = std::getenv("AGENTRY_BIN");
  return bin != nullptr ? bin : std::string(AGENTRY_BINARY_DIR) + "/agentry";
}

std::unique_ptr<agentry::fakellm::FakeLlmServer> start_server(const std::string& yaml) {
  auto doc = agentry::yaml_to_json(yaml, "script");
  if (!doc) return nullptr;
  auto script = agentry::fakellm::parse_script(*doc);
  if (!script) return nullptr;
  auto server = agentry::fakellm::FakeLlmServer::start(std::move(*script));
  return server ? std::move(*server) : nullptr;
}

/// A private home for the runs: a fresh store, no config, no keys.
class BenchHome {
 public:
  BenchHome() : dir_(std::move(*agentry::ScopedTempDir::create("agentry-run-bench"))) {
    fs::create_directories(ws());
    for (int i = 1; i <= 9; ++i)
      std::ofstream(ws() / ("note" + std::to_string(i) + ".txt")) << "note " << i << '\n';
  }
  fs::path ws() const { return dir_.path() / "ws"; }
  fs::path root() const { return dir_.path(); }
  std::map<std::string, std::string> env(const agentry::fakellm::FakeLlmServer& server) const {
    const char* path = std::getenv("PATH");
    return {{"HOME", root().string()},
            {"XDG_CONFIG_HOME", (root() / "config").string()},
            {"XDG_DATA_HOME", (root() / "data").string()},
            {"PATH", path != nullptr ? path : "/usr/bin:/bin"},
            {"OPENAI_BASE_URL", server.url("/v1")}};
  }
  std::vector<std::string> run_argv(std::vector<std::string> tail) const {
    std::vector<std::string> argv{agentry_bin(), "--cwd", ws().string(), "run"};
    argv.insert(argv.end(), tail.begin(), tail.end());
    return argv;
  }

 private:
  agentry::ScopedTempDir dir_;
};

/// `curl` sending `requests` chat requests to the server over one connection.
std::vector<std::string> curl_argv(const agentry::fakellm::FakeLlmServer& server, int requests) {
  const std::string body =
      R"({"model":"gpt-5-mini","stream":true,"messages":[{"role":"user","content":"hi"}]})";
  std::vector<std::string> argv{"curl", "-s"};
  for (int i = 0; i < requests; ++i) {
    if (i > 0) argv.push_back("--next");
    argv.insert(argv.end(), {"-o", "/dev/null", "-H", "content-type: application/json", "-d", body,
                             server.url("/v1/chat/completions")});
  }
  return argv;
}

constexpr const char* kHiScript = R"(
- when: {turn: 1}
  text: "Hello! How can I help?"
  usage: {input: 20, output: 6}
)";

void BM_RunOneShotVsCurl(benchmark::State& state) {
  auto server = start_server(kHiScript);
  if (!server) return state.SkipWithError("fake server did not start");
  BenchHome home;
  auto env = home.env(*server);
  spawn_and_wait(home.run_argv({"hi"}), env);  // creates the store: not measured
  std::vector<double> run_ms, curl_ms;
  long peak_rss = 0;
  for (auto _ : state) {
    auto c = spawn_and_wait(curl_argv(*server, 1), env);
    auto r = spawn_and_wait(home.run_argv({"hi"}), env);
    if (c.status != 0 || r.status != 0) return state.SkipWithError("curl or agentry failed");
    curl_ms.push_back(c.ms);
    run_ms.push_back(r.ms);
    peak_rss = std::max(peak_rss, r.max_rss_kib);
    state.SetIterationTime(r.ms / 1000.0);
  }
  state.counters["agentry_ms"] = median(run_ms);
  state.counters["curl_ms"] = median(curl_ms);
  state.counters["ratio"] = median(run_ms) / median(curl_ms);
  state.counters["peak_rss_MiB"] = static_cast<double>(peak_rss) / 1024.0;
}
BENCHMARK(BM_RunOneShotVsCurl)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(20);

/// Nine turns that each read a different small file (no repeats), then the answer.
std::string ten_turn_script() {
  std::string yaml;
  for (int turn = 1; turn <= 9; ++turn) {
    yaml += "- when: {turn: " + std::to_string(turn) + "}\n  tool_calls:\n    - {id: call_" +
            std::to_string(turn) + ", name: read_file, arguments: {path: note" +
            std::to_string(turn) + ".txt}}\n  usage: {input: 100, output: 10}\n";
  }
  yaml +=
      "- when: {turn: 10}\n  text: \"Read all nine notes.\"\n  usage: {input: 100, output: 10}\n";
  return yaml;
}

/// Each tool.finished duration (ms), in order, from the run's stream-json output.
std::vector<double> tool_durations(const fs::path& stream) {
  std::ifstream in(stream);
  std::vector<double> out;
  for (std::string line; std::getline(in, line);) {
    auto j = json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.value("type", "") == "tool.finished")
      out.push_back(j.value("duration_ms", 0.0));
  }
  return out;
}

/// One model round trip at its floor: agentry's provider, in this process, kept alive.
double round_trip_ms(const agentry::fakellm::FakeLlmServer& server) {
  agentry::Environment env({{"OPENAI_BASE_URL", server.url("/v1")}});
  auto config = agentry::Config::from_yaml("", "bench");
  auto llm = config ? agentry::llm::load_llm_config(*config, env)
                    : agentry::Result<agentry::llm::LlmConfig>(tl::unexpect, config.error());
  if (!llm || llm->providers.empty()) return -1;
  agentry::llm::CurlGlobal curl;
  auto provider =
      agentry::llm::make_provider(llm->providers[0], env, agentry::llm::ProviderServices{curl, {}});
  if (!provider) return -1;
  agentry::llm::CompletionRequest request;
  request.model = llm->providers[0].model;
  request.messages.push_back(agentry::Message::user("hi"));
  std::vector<double> times;
  for (int i = 0; i < 12; ++i) {
    auto start = Clock::now();
    auto done = (*provider)->complete(request, [](const agentry::llm::StreamEvent&) {}, {});
    if (!done) return -1;
    if (i >= 2)
      times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  return median(times);
}

void BM_RunTurnOverhead(benchmark::State& state) {
  auto one = start_server(kHiScript);
  std::mutex mu;
  std::vector<Clock::time_point> answered;  // when each request arrived
  auto doc = agentry::yaml_to_json(ten_turn_script(), "script");
  auto script = doc ? agentry::fakellm::parse_script(*doc)
                    : agentry::Result<agentry::fakellm::Script>(tl::unexpect, doc.error());
  if (!one || !script) return state.SkipWithError("fake server did not start");
  agentry::fakellm::FakeLlmOptions options;
  options.on_request = [&](const agentry::fakellm::RecordedRequest&) {
    std::lock_guard lock(mu);
    answered.push_back(Clock::now());
  };
  auto ten = agentry::fakellm::FakeLlmServer::start(std::move(*script), options);
  if (!ten) return state.SkipWithError("fake server did not start");
  double floor = round_trip_ms(*one);
  if (floor < 0) return state.SkipWithError("the in-process round trip failed");
  BenchHome home;
  auto stream = home.root() / "stream.jsonl";
  std::vector<double> per_turn, tools;
  for (auto _ : state) {
    {
      std::lock_guard lock(mu);
      answered.clear();
    }
    auto r = spawn_and_wait(
        home.run_argv({"--output-format", "stream-json", "--permission-mode", "bypass", "read"}),
        home.env(**ten), stream.string());
    auto durations = tool_durations(stream);
    std::lock_guard lock(mu);
    if (r.status != 0 || answered.size() != 10 || durations.size() != 9)
      return state.SkipWithError("the 10-turn run failed");
    double iteration = 0;
    for (std::size_t i = 1; i < answered.size(); ++i) {
      double gap = std::chrono::duration<double, std::milli>(answered[i] - answered[i - 1]).count();
      double overhead = gap - floor - durations[i - 1];
      per_turn.push_back(overhead);
      iteration += overhead;
    }
    tools.push_back(std::accumulate(durations.begin(), durations.end(), 0.0));
    state.SetIterationTime(std::max(iteration / 9.0, 0.0) / 1000.0);
  }
  double mean = std::accumulate(per_turn.begin(), per_turn.end(), 0.0) / per_turn.size();
  state.counters["overhead_ms_per_turn"] = median(per_turn);
  state.counters["overhead_ms_per_turn_mean"] = mean;
  state.counters["round_trip_ms"] = floor;
  state.counters["tool_ms_total"] = median(tools);
}
BENCHMARK(BM_RunTurnOverhead)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(15);

}  // namespace
