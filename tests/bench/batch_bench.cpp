// `agentry batch` throughput (issue 8): 1,000 tasks, each in its own directory, each three model
// turns (read_file on a file of its directory, list_files of it, then the answer) against the
// real agentry-fake-llm process answering every request after 100 ms.
//   BM_Batch/J  runs `agentry batch tasks.jsonl -j J` once per iteration and reports
//     wall_s        the batch process, exec to exit (also the iteration time); median, and
//                   wall_min_s, wall_max_s over the iterations
//     ideal_s       1000 * 3 * 0.1 / J, the issue's ideal; over_ideal_pct how far above it
//     floor_s       ceil(1000 / J) * 0.3: tasks of equal length cannot beat this (4.8 s at 64)
//     peak_rss_MiB  the batch process's peak RSS (wait4's rusage)
//     cpu_s, fake_cpu_s  CPU time of agentry and of the fake server (is the server a bottleneck?)
//     load1         the 1-minute load average when the run ended (the machine is shared)
//   Bars at -j 64: wall <= 1.15 * ideal (5.39 s), peak RSS < 300 MiB.
// Not part of ctest. Run:
//   cmake --build build --target agentry agentry-fake-llm agentry_bench
//   build/agentry_bench --benchmark_filter=BM_Batch
// The session store is created by a one-task warm-up batch first (a user's store exists), and
// every iteration writes a fresh results file. Binaries: $AGENTRY_BIN and $AGENTRY_FAKE_LLM, else
// the build folder's.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <spawn.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/build_paths.hpp"
#include "core/scoped_temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kTasks = 1000;
constexpr int kTurns = 3;
constexpr int kDelayMs = 100;

std::string binary(const char* env_name, const char* name) {
  const char* set = std::getenv(env_name);
  return set != nullptr ? set : std::string(AGENTRY_BINARY_DIR) + "/" + name;
}

/// argv and envp as posix_spawn wants them, owning their strings.
struct SpawnArgs {
  SpawnArgs(std::vector<std::string> argv, const std::map<std::string, std::string>& env)
      : args(std::move(argv)) {
    for (const auto& [k, v] : env)
      env_strings.push_back(k + "=" + v);
    for (auto& a : args)
      arg_ptrs.push_back(a.data());
    arg_ptrs.push_back(nullptr);
    for (auto& e : env_strings)
      env_ptrs.push_back(e.data());
    env_ptrs.push_back(nullptr);
  }
  std::vector<std::string> args;
  std::vector<std::string> env_strings;
  std::vector<char*> arg_ptrs;
  std::vector<char*> env_ptrs;
};

struct Finished {
  int status = -1;
  double wall_s = 0;
  double cpu_s = 0;
  long max_rss_kib = 0;
};

/// Waits for `pid` and reads its own rusage (peak RSS, CPU) from wait4.
Finished wait_for(pid_t pid, Clock::time_point started) {
  Finished out;
  rusage usage{};
  int status = 0;
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  out.wall_s = std::chrono::duration<double>(Clock::now() - started).count();
  out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  out.max_rss_kib = usage.ru_maxrss;
  out.cpu_s = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
              static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  return out;
}

/// Runs argv to its end with stdin from /dev/null and stdout, stderr into files.
Finished run(const SpawnArgs& a, const fs::path& out, const fs::path& err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  auto started = Clock::now();
  int rc = posix_spawn(&pid, a.arg_ptrs[0], &actions, nullptr, a.arg_ptrs.data(),
                       const_cast<char* const*>(a.env_ptrs.data()));
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return {};
  return wait_for(pid, started);
}

/// The agentry-fake-llm process: started with --port 0, its port read from its first line,
/// stopped with SIGTERM.
class FakeServer {
 public:
  static std::optional<FakeServer> start(const fs::path& script, const fs::path& log) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return std::nullopt;
    SpawnArgs a({binary("AGENTRY_FAKE_LLM", "agentry-fake-llm"), "--script", script.string(),
                 "--port", "0"},
                {{"PATH", "/usr/bin:/bin"}});
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    FakeServer server;
    int rc = posix_spawn(&server.pid_, a.arg_ptrs[0], &actions, nullptr, a.arg_ptrs.data(),
                         const_cast<char* const*>(a.env_ptrs.data()));
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    if (rc != 0) {
      ::close(out[0]);
      return std::nullopt;
    }
    std::string line;
    char c = 0;
    while (::read(out[0], &c, 1) == 1 && c != '\n')
      line.push_back(c);
    ::close(out[0]);
    server.port_ = std::atoi(line.c_str());
    if (server.port_ <= 0) return std::nullopt;
    return server;
  }
  FakeServer(FakeServer&& other) noexcept
      : pid_(std::exchange(other.pid_, 0)), port_(other.port_) {}
  FakeServer& operator=(FakeServer&&) = delete;
  ~FakeServer() { stop(); }

  std::string base_url() const { return fmt::format("http://127.0.0.1:{}/v1", port_); }
  /// SIGTERM, then its CPU time.
  double stop() {
    if (pid_ <= 0) return 0;
    ::kill(pid_, SIGTERM);
    double cpu = wait_for(std::exchange(pid_, 0), Clock::now()).cpu_s;
    return cpu;
  }

 private:
  FakeServer() = default;
  pid_t pid_ = 0;
  int port_ = 0;
};

/// Every request waits 100 ms; turns 1 and 2 call cheap read-only tools on the task's folder.
std::string script_yaml() {
  return fmt::format(R"(- when: {{turn: 1}}
  delay_ms: {0}
  tool_calls:
    - {{id: call_read, name: read_file, arguments: {{path: note.txt}}}}
  usage: {{input: 400, output: 20}}
- when: {{turn: 2}}
  delay_ms: {0}
  tool_calls:
    - {{id: call_list, name: list_files, arguments: {{path: "."}}}}
  usage: {{input: 450, output: 20}}
- when: {{turn: 3}}
  delay_ms: {0}
  text: "The note holds one line."
  usage: {{input: 500, output: 12}}
)",
                     kDelayMs);
}

/// The task file and one folder per task (with the note it reads).
void write_tasks(const fs::path& root, int count, const fs::path& file) {
  fs::create_directories(root);
  std::ofstream tasks(file);
  for (int i = 0; i < count; ++i) {
    std::string id = fmt::format("t{:04}", i);
    fs::create_directories(root / id);
    std::ofstream(root / id / "note.txt") << "note " << i << '\n';
    tasks << nlohmann::json{{"id", id},
                            {"prompt", "Read note.txt in this folder and say what it holds."},
                            {"cwd", id}}
                 .dump()
          << '\n';
  }
}

/// Lines of the results file whose task ran all three turns and ended ok.
int ok_results(const fs::path& results) {
  std::ifstream in(results);
  int ok = 0;
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.value("status", "") == "ok" && j.value("num_turns", 0) == kTurns)
      ++ok;
  }
  return ok;
}

/// The last 400 bytes of a log, for an error message.
std::string tail_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.size() > 400 ? text.substr(text.size() - 400) : text;
}

double load1() {
  std::ifstream in("/proc/loadavg");
  double load = 0;
  in >> load;
  return load;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void BM_Batch(benchmark::State& state) {
  const int jobs = static_cast<int>(state.range(0));
  auto dir = agentry::ScopedTempDir::create("agentry-batch-bench");
  if (!dir) return state.SkipWithError("cannot create a temporary folder");
  const fs::path root = dir->path();
  const fs::path tasks = root / "tasks";
  write_tasks(tasks, kTasks, tasks / "tasks.jsonl");
  write_tasks(root / "warmup", 1, root / "warmup" / "warmup.jsonl");
  std::ofstream(root / "script.yaml") << script_yaml();

  auto server = FakeServer::start(root / "script.yaml", root / "fake-llm.log");
  if (!server) return state.SkipWithError("agentry-fake-llm did not start (build it first)");
  const char* path = std::getenv("PATH");
  std::map<std::string, std::string> env{{"HOME", (root / "home").string()},
                                         {"XDG_CONFIG_HOME", (root / "home" / "config").string()},
                                         {"XDG_DATA_HOME", (root / "home" / "data").string()},
                                         {"PATH", path != nullptr ? path : "/usr/bin:/bin"},
                                         {"OPENAI_BASE_URL", server->base_url()}};
  const std::string agentry = binary("AGENTRY_BIN", "agentry");
  auto warm = run(SpawnArgs({agentry, "batch", (root / "warmup" / "warmup.jsonl").string()}, env),
                  root / "warmup.out", root / "warmup.err");
  if (warm.status != 0) {
    std::string why = "the warm-up batch failed: " + tail_of(root / "warmup.err");
    return state.SkipWithError(why.c_str());
  }

  std::vector<double> walls, rss, cpu, loads;
  int iteration = 0;
  for (auto _ : state) {
    fs::path results = root / fmt::format("results-{}.jsonl", ++iteration);
    auto done =
        run(SpawnArgs({agentry, "batch", (tasks / "tasks.jsonl").string(), "-j",
                       std::to_string(jobs), "--results", results.string(), "--progress", "plain"},
                      env),
            root / "batch.out", root / "batch.err");
    loads.push_back(load1());
    if (done.status != 0) {
      std::string why = "agentry batch failed: " + tail_of(root / "batch.err");
      return state.SkipWithError(why.c_str());
    }
    if (ok_results(results) != kTasks) return state.SkipWithError("not every task ended ok");
    state.SetIterationTime(done.wall_s);
    walls.push_back(done.wall_s);
    rss.push_back(static_cast<double>(done.max_rss_kib) / 1024.0);
    cpu.push_back(done.cpu_s);
  }
  double fake_cpu = server->stop();
  const double ideal = kTasks * kTurns * (kDelayMs / 1000.0) / jobs;
  const double floor = std::ceil(static_cast<double>(kTasks) / jobs) * kTurns * kDelayMs / 1000.0;
  state.counters["wall_s"] = median(walls);
  state.counters["wall_min_s"] = *std::min_element(walls.begin(), walls.end());
  state.counters["wall_max_s"] = *std::max_element(walls.begin(), walls.end());
  state.counters["ideal_s"] = ideal;
  state.counters["floor_s"] = floor;
  state.counters["over_ideal_pct"] = (median(walls) / ideal - 1.0) * 100.0;
  state.counters["peak_rss_MiB"] = *std::max_element(rss.begin(), rss.end());
  state.counters["cpu_s"] = median(cpu);
  state.counters["fake_cpu_s"] = fake_cpu / static_cast<double>(walls.size());
  state.counters["load1"] = median(loads);
}
BENCHMARK(BM_Batch)->Arg(64)->Iterations(3)->UseManualTime()->Unit(benchmark::kSecond);
BENCHMARK(BM_Batch)->Arg(16)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);
BENCHMARK(BM_Batch)->Arg(128)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);

}  // namespace
