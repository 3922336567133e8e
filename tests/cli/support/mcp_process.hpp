#pragma once
// `agentry mcp` as a parent program drives it: its stdin a FIFO the test writes JSON-RPC lines to
// over time and then closes (end of input); its stdout a file the test polls.
#include <chrono>
#include <fcntl.h>
#include <fstream>
#include <signal.h>
#include <spawn.h>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "cli/support/agentry_harness.hpp"
#include "core/unique_fd.hpp"

namespace agentry::cli::e2e {

/// `agentry mcp` with its stdin a FIFO the test writes to, so it can send lines over time and
/// then close (end of input); stdout goes to a file it polls.
class McpProcess {
 public:
  McpProcess(const AgentryHome& home, std::vector<std::string> args,
             const fakellm::FakeLlmServer& server) {
    auto in = home.root() / "mcp.in";
    out_ = home.root() / "mcp.out";
    REQUIRE(::mkfifo(in.c_str(), 0600) == 0);
    // Both ends opened here (the read end without blocking, as no writer exists yet); the
    // child gets the read end as stdin, this process keeps the write end (close-on-exec).
    UniqueFd read_end(::open(in.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    REQUIRE(read_end.valid());
    in_ = ::open(in.c_str(), O_WRONLY | O_CLOEXEC);
    REQUIRE(in_ >= 0);
    REQUIRE(::fcntl(read_end.get(), F_SETFL, 0) == 0);
    auto options = home.spawn_options(std::move(args), &server);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, read_end.get(), 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    auto err = home.root() / "mcp.err";
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());
    std::vector<std::string> env;
    for (const auto& [k, v] : options.env)
      env.push_back(k + "=" + v);
    std::vector<char*> argv, envp;
    for (auto& a : options.argv)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env)
      envp.push_back(e.data());
    envp.push_back(nullptr);
    int rc = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(rc == 0);
  }
  ~McpProcess() {
    close_input();
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  void send(const std::string& line) {
    std::string framed = line + "\n";
    REQUIRE(::write(in_, framed.data(), framed.size()) == static_cast<ssize_t>(framed.size()));
  }
  void close_input() {
    if (in_ >= 0) ::close(in_);
    in_ = -1;
  }
  /// Waits until stdout holds `part`; false after `limit`.
  bool wait_for(std::string_view part, std::chrono::seconds limit) const {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (read_all(out_).find(part) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  /// The exit code, or -1 when it did not exit within `limit`.
  int wait_exit(std::chrono::seconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }
  std::string out() const { return read_all(out_); }

 private:
  static std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  fs::path out_;
  pid_t pid_ = -1;
  int in_ = -1;
};

/// A tools/call of the agent `agent` (its MCP tool has the agent's name) with `task`.
inline std::string mcp_call(int id, const std::string& task,
                            const std::string& agent = "rust-pro") {
  return json({{"jsonrpc", "2.0"},
               {"id", id},
               {"method", "tools/call"},
               {"params", {{"name", agent}, {"arguments", {{"task", task}}}}}})
      .dump();
}

/// The initialize request a client sends first.
inline std::string mcp_initialize(int id = 0) {
  return json({{"jsonrpc", "2.0"},
               {"id", id},
               {"method", "initialize"},
               {"params",
                {{"protocolVersion", "2025-11-25"},
                 {"capabilities", json::object()},
                 {"clientInfo", {{"name", "agentry-test"}, {"version", "1"}}}}}})
      .dump();
}

}  // namespace agentry::cli::e2e
