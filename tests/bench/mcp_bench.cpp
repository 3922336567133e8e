// `agentry mcp` speed. Bars (issue 9): spawn to `initialize` answered < 20 ms; the server's own
// cost per tools/call (parse, argument and root checks, queueing, result JSON, writing) < 2 ms.
//
// BM_McpSpawnToInitialize runs the real binary ($AGENTRY_BIN, else agentry in the build folder):
// counters median_ms (the figure for the bar), p90_ms, and cpu_ms, the median CPU time (user +
// system) of the whole server process, which a loaded machine inflates less than wall time.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <ostream>
#include <spawn.h>
#include <streambuf>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "cli/mcp/mcp_server.hpp"
#include "core/build_paths.hpp"

extern char** environ;

namespace {

using agentry::engine::TaskRequest;
using agentry::engine::TaskRunner;
using nlohmann::json;
namespace fs = std::filesystem;

/// Counts bytes and keeps none: the writer's cost without a growing buffer.
class NullBuf final : public std::streambuf {
 protected:
  int_type overflow(int_type c) override { return traits_type::not_eof(c); }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

/// Answers at once; with `events` set, also reports a tool call and a subagent as the engine would.
class InstantRunner final : public TaskRunner {
 public:
  explicit InstantRunner(bool events) : events_(events) {
    agent_.name = "rust-pro";
    agent_.mode = agentry::agents::AgentMode::kSubagent;
    agent_.description = "Rust expert";
  }
  std::vector<const agentry::agents::AgentDefinition*> agents() const override { return {&agent_}; }
  agentry::Result<agentry::engine::RunResult> run(const TaskRequest& request,
                                                  agentry::engine::EventSink& sink,
                                                  std::stop_token) override {
    if (events_) {
      agentry::engine::Origin o{"s1", request.agent, 0};
      agentry::ToolCall call{"c1", "cargo_check", json::object(), ""};
      sink.on_event(agentry::engine::ToolCallStarted{o, call});
      sink.on_event(
          agentry::engine::ToolCallFinished{o, call, {"c1", "cargo_check", "ok", false}, 9});
      sink.on_event(agentry::engine::SubagentStarted{o, "s2", "helper", "look"});
      sink.on_event(agentry::engine::SubagentFinished{o, "s2", "helper", true});
    }
    agentry::engine::RunResult r;
    r.session_id = "s1";
    r.agent = request.agent;
    r.result = "The crate compiles cleanly.";
    r.num_turns = 2;
    r.usage = {1200, 80, 0, 0};
    r.cost_usd = 0.0021;
    return r;
  }

 private:
  bool events_;
  agentry::agents::AgentDefinition agent_;
};

void tool_call_overhead(benchmark::State& state, bool events) {
  InstantRunner runner(events);
  NullBuf sink;
  std::ostream out(&sink);
  agentry::cli::mcp::ServerOptions options;
  options.roots = {fs::temp_directory_path()};
  auto server = agentry::cli::mcp::McpServer::create(runner, options, out, nullptr);
  if (!server) {
    state.SkipWithError(server.error().to_string().c_str());
    return;
  }
  (*server)->handle_line(
      R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25"}})");
  std::int64_t id = 1;
  for (auto _ : state) {
    json call{{"jsonrpc", "2.0"},
              {"id", id++},
              {"method", "tools/call"},
              {"params",
               {{"name", "rust-pro"},
                {"arguments", {{"task", "Check the crate and report the errors."}}},
                {"_meta", {{"progressToken", id}}}}}};
    (*server)->handle_line(call.dump());
    (*server)->wait_idle();  // the response has been written
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_McpToolCallOverhead(benchmark::State& state) {
  tool_call_overhead(state, false);
}
BENCHMARK(BM_McpToolCallOverhead)->Unit(benchmark::kMicrosecond);

void BM_McpToolCallOverheadWithProgress(benchmark::State& state) {
  tool_call_overhead(state, true);
}
BENCHMARK(BM_McpToolCallOverheadWithProgress)->Unit(benchmark::kMicrosecond);

/// The q-quantile (0.5: median) of `v`.
double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  auto at = v.begin() + static_cast<std::ptrdiff_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), at, v.end());
  return *at;
}

double cpu_ms(const rusage& usage) {
  auto ms = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

std::string agentry_binary() {
  if (const char* bin = std::getenv("AGENTRY_BIN")) return bin;
  return std::string(AGENTRY_BINARY_DIR) + "/agentry";
}

/// Spawns `agentry mcp`, sends initialize, and times until the whole answer line is read.
void BM_McpSpawnToInitialize(benchmark::State& state) {
  std::string bin = agentry_binary();
  if (::access(bin.c_str(), X_OK) != 0) {
    state.SkipWithError(("no agentry binary at " + bin + " (set AGENTRY_BIN)").c_str());
    return;
  }
  std::string root = fs::temp_directory_path().string();
  const std::string request =
      R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
      R"("capabilities":{},"clientInfo":{"name":"bench","version":"1"}}})"
      "\n";
  std::vector<double> wall_ms;
  std::vector<double> process_cpu_ms;
  for (auto _ : state) {
    int to_child[2];
    int from_child[2];
    if (::pipe2(to_child, O_CLOEXEC) != 0 || ::pipe2(from_child, O_CLOEXEC) != 0) {
      state.SkipWithError("pipe failed");
      return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    std::vector<std::string> args{bin, "mcp", "--root", root};
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);

    auto started = std::chrono::steady_clock::now();
    pid_t pid = -1;
    int spawned = posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(to_child[0]);
    ::close(from_child[1]);
    if (spawned != 0) {
      state.SkipWithError("posix_spawn failed");
      return;
    }
    [[maybe_unused]] auto w = ::write(to_child[1], request.data(), request.size());
    std::string answer;
    char buffer[4096];
    while (answer.find('\n') == std::string::npos) {
      ssize_t n = ::read(from_child[0], buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      answer.append(buffer, static_cast<std::size_t>(n));
    }
    auto elapsed = std::chrono::steady_clock::now() - started;
    state.SetIterationTime(std::chrono::duration<double>(elapsed).count());
    wall_ms.push_back(std::chrono::duration<double, std::milli>(elapsed).count());

    ::close(to_child[1]);  // end of input: the server exits
    ::close(from_child[0]);
    int status = 0;
    rusage usage{};
    ::wait4(pid, &status, 0, &usage);
    process_cpu_ms.push_back(cpu_ms(usage));
    if (answer.find("\"protocolVersion\"") == std::string::npos) {
      state.SkipWithError(("no initialize answer; got: " + answer.substr(0, 200)).c_str());
      return;
    }
  }
  state.counters["median_ms"] = quantile(wall_ms, 0.5);
  state.counters["p90_ms"] = quantile(wall_ms, 0.9);
  state.counters["cpu_ms"] = quantile(process_cpu_ms, 0.5);
}
BENCHMARK(BM_McpSpawnToInitialize)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(100);

}  // namespace
