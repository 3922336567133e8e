// `agentry chat` start-up. Bar (issue 7): from exec to an interactive prompt, in a project with
// 100 agent files, under 30 ms. BM_ChatStartupToPrompt runs the real binary ($AGENTRY_BIN, else
// agentry in the build folder) on a pseudo-terminal and stops the clock when the prompt's "❯"
// arrives; counters median_ms (the figure for the bar) and p90_ms. BM_VersionProcessFloor is the
// same binary doing nothing (`--version`): the part of start-up that is the process itself
// (exec, dynamic loading; libcurl is not loaded until a request), which no chat code can shorten.
// BM_MarkdownAnswer renders a typical streamed answer.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <pty.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "core/build_paths.hpp"
#include "core/scoped_temp_dir.hpp"
#include "term/markdown.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string agentry_bin() {
  const char* bin = std::getenv("AGENTRY_BIN");
  return bin ? bin : std::string(AGENTRY_BINARY_DIR) + "/agentry";
}

/// A project folder with `count` agent files in .agentry/agents, and private XDG folders.
struct Project {
  agentry::ScopedTempDir dir;
  explicit Project(int count) : dir(*agentry::ScopedTempDir::create("agentry-chat-bench")) {
    fs::create_directories(dir.path() / ".agentry" / "agents");
    fs::create_directories(dir.path() / "home");
    for (int i = 0; i < count; ++i) {
      std::ofstream(dir.path() / ".agentry" / "agents" / fmt::format("agent-{:03}.md", i))
          << fmt::format(
                 "---\nname: agent-{0:03}\ndescription: Agent {0} of the start-up benchmark; "
                 "reviews Rust modules.\nmode: subagent\ntools: read_file, grep, glob\n---\n\n"
                 "You are agent {0}. Review the code you are given and say what to change.\n",
                 i);
    }
  }
  std::vector<std::string> env() const {
    auto d = dir.path().string();
    return {"HOME=" + d + "/home", "PATH=/usr/bin:/bin", "TERM=xterm-256color",
            "XDG_CONFIG_HOME=" + d + "/config", "XDG_DATA_HOME=" + d + "/data"};
  }
};

/// Starts `agentry chat` on a new pseudo-terminal in `project` and returns the seconds until
/// the prompt shows; then quits it with Ctrl-D and reaps it (not timed).
double chat_to_prompt(const Project& project) {
  auto env_strings = project.env();
  std::vector<char*> envp;
  for (auto& s : env_strings)
    envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string bin = agentry_bin();
  std::string cwd = project.dir.path().string();
  winsize size{30, 100, 0, 0};
  int master = -1;
  auto start = Clock::now();
  pid_t pid = ::forkpty(&master, nullptr, nullptr, &size);
  if (pid == 0) {
    if (::chdir(cwd.c_str()) != 0) ::_exit(127);
    char* argv[] = {bin.data(), const_cast<char*>("chat"), nullptr};
    ::execve(bin.c_str(), argv, envp.data());
    ::_exit(127);
  }
  std::string seen;
  double seconds = -1;
  char buf[4096];
  while (seconds < 0) {
    pollfd p{master, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) break;
    auto n = ::read(master, buf, sizeof buf);
    if (n <= 0) break;
    seen.append(buf, static_cast<std::size_t>(n));
    if (seen.find("❯") != std::string::npos)
      seconds = std::chrono::duration<double>(Clock::now() - start).count();
  }
  static_cast<void>(::write(master, "\x04", 1));
  while (::read(master, buf, sizeof buf) > 0) {
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(master);
  return seconds;
}

/// The q-quantile (0.5: median) of `v`.
double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  auto at = v.begin() + static_cast<std::ptrdiff_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), at, v.end());
  return *at;
}

void BM_ChatStartupToPrompt(benchmark::State& state) {
  Project project(static_cast<int>(state.range(0)));
  std::vector<double> ms;
  for (auto _ : state) {
    double seconds = chat_to_prompt(project);
    if (seconds < 0) {
      state.SkipWithError("no prompt within 5 s (is agentry built?)");
      break;
    }
    state.SetIterationTime(seconds);
    ms.push_back(seconds * 1e3);
  }
  state.counters["median_ms"] = quantile(ms, 0.5);
  state.counters["p90_ms"] = quantile(ms, 0.9);
}
BENCHMARK(BM_ChatStartupToPrompt)
    ->ArgName("agent_files")
    ->Arg(0)
    ->Arg(100)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(60);

void BM_VersionProcessFloor(benchmark::State& state) {
  std::string bin = agentry_bin();
  for (auto _ : state) {
    char* argv[] = {bin.data(), const_cast<char*>("--version"), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    if (::posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv, environ) != 0) {
      posix_spawn_file_actions_destroy(&actions);
      state.SkipWithError("cannot start agentry");
      break;
    }
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
}
BENCHMARK(BM_VersionProcessFloor)->Unit(benchmark::kMillisecond);

void BM_MarkdownAnswer(benchmark::State& state) {
  std::vector<std::string> lines = {"## What changed",
                                    "",
                                    "The loop now uses **iterators** and `sum()`:",
                                    "",
                                    "```rust",
                                    "pub fn average(readings: &[f64]) -> Option<f64> {",
                                    "    let sum: f64 = readings.iter().sum(); // no index",
                                    "    Some(sum / readings.len() as f64)",
                                    "}",
                                    "```",
                                    "",
                                    "- `clippy` is clean",
                                    "- the tests pass ([log](target/log.txt))"};
  std::size_t bytes = 0;
  for (auto _ : state) {
    agentry::term::MarkdownRenderer renderer({true, 100});
    for (const auto& line : lines) {
      auto rows = renderer.render_line(line);
      benchmark::DoNotOptimize(rows);
      bytes += line.size();
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_MarkdownAnswer);

}  // namespace
