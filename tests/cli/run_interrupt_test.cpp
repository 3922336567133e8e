// SIGINT while a subagent's tool runs: `agentry run` stops the tool's processes and the
// subagent, records the sessions as cancelled, and exits 130 with nothing of the tool left.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <signal.h>
#include <sstream>
#include <thread>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "cli/support/agentry_harness.hpp"

namespace agentry::cli {
namespace {

namespace fs = std::filesystem;
using e2e::AgentryHome;
using nlohmann::json;

constexpr const char* kSleepyCargoToml = R"([package]
name = "sleepy"
version = "0.1.0"
edition = "2021"

[dependencies]
)";

constexpr const char* kSleepyLib = R"(pub fn answer() -> u32 {
    42
}

#[cfg(test)]
mod tests {
    #[test]
    fn waits_a_long_time() {
        std::thread::sleep(std::time::Duration::from_secs(900));
        assert_eq!(super::answer(), 42);
    }
}
)";

constexpr const char* kScript = R"(
turns:
  - tool_calls:
      - id: call_task
        name: task
        arguments: {description: Run the tests, subagent_type: rust-pro, prompt: Run the tests.}
  - tool_calls:
      - {id: call_test, name: cargo_test, arguments: {}}
  - text: "never reached"
  - text: "never reached either"
)";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Pids of live processes whose executable, command line or working directory lies under
/// `dir` (zombies have none of these, so they do not count).
std::vector<int> processes_under(const fs::path& dir) {
  std::vector<int> out;
  std::string needle = dir.string();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::error_code link_ec;
    std::string exe = fs::read_symlink(entry.path() / "exe", link_ec).string();
    std::string cwd = fs::read_symlink(entry.path() / "cwd", link_ec).string();
    std::string cmdline = slurp(entry.path() / "cmdline");
    if (exe.starts_with(needle) || cwd.starts_with(needle) ||
        cmdline.find(needle) != std::string::npos)
      out.push_back(std::stoi(name));
  }
  return out;
}

/// The pid of the crate's test binary (target/debug/deps/sleepy-…) once it runs.
int wait_for_test_binary(const fs::path& ws, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  auto deps = (ws / "target" / "debug" / "deps").string();
  while (std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
      std::string name = entry.path().filename();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::error_code link_ec;
      auto exe = fs::read_symlink(entry.path() / "exe", link_ec).string();
      if (exe.starts_with(deps) && exe.find("sleepy-") != std::string::npos) return std::stoi(name);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return -1;
}

TEST_CASE("run: SIGINT during a subagent's cargo_test kills the test and exits 130") {
  AgentryHome home;
  std::ofstream(home.ws() / "Cargo.toml") << kSleepyCargoToml;
  fs::create_directories(home.ws() / "src");
  std::ofstream(home.ws() / "src" / "lib.rs") << kSleepyLib;
  auto server = e2e::start_fake(kScript);

  testing::SpawnedProcess agentry(home.spawn_options(
      {"run", "--output-format", "stream-json", "--permission-mode", "bypass", "Run the tests."},
      server.get()));
  int test_pid = wait_for_test_binary(home.ws(), std::chrono::seconds(300));
  REQUIRE_MESSAGE(test_pid > 0, "the crate's test binary never started; agentry wrote:\n"
                                    << agentry.out_so_far());
  // The scan below sees the tool's processes while they run (so its empty answer later means
  // they are gone).
  auto running = processes_under(home.ws());
  CHECK(std::find(running.begin(), running.end(), test_pid) != running.end());
  agentry.send(SIGINT);
  auto outcome = agentry.wait(std::chrono::seconds(120));
  INFO("stderr: " << outcome.err);
  CHECK_FALSE(outcome.timed_out);
  CHECK(outcome.exit_code == 130);

  // Nothing of the tool is left: not the test binary, not cargo, nothing working in the crate.
  CHECK(processes_under(home.ws()) == std::vector<int>{});
  CHECK_FALSE(fs::exists(fs::path("/proc") / std::to_string(test_pid) / "exe"));

  // The subagent was stopped too, and the run reports the cancellation.
  auto lines = e2e::json_lines(outcome.out);
  REQUIRE(!lines.empty());
  const json& result = lines.back();
  CHECK(result["type"] == "result");
  CHECK(result["is_error"] == true);
  CHECK(result["stop_reason"] == "cancelled");
  bool child_started = false;
  bool child_stopped = false;
  for (const auto& line : lines) {
    if (line["type"] == "tool.started" && line["call"]["name"] == "cargo_test")
      child_started = line["agent"] == "rust-pro";
    if (line["type"] == "subagent.finished") child_stopped = line["ok"] == false;
  }
  CHECK(child_started);
  CHECK(child_stopped);
  CHECK(server->request_count() == 2);

  // Both sessions are recorded as cancelled.
  auto show = home.run({"sessions", "list", "--json"}, nullptr);
  REQUIRE(show.exit_code == 0);
  auto sessions = json::parse(show.out);
  REQUIRE(sessions.size() == 1);
  CHECK(sessions[0]["status"] == "cancelled");
  auto tree =
      home.run({"sessions", "show", "--json", sessions[0]["id"].get<std::string>()}, nullptr);
  REQUIRE(tree.exit_code == 0);
  auto shown = json::parse(tree.out);
  REQUIRE(shown["children"].size() == 1);
  CHECK(shown["children"][0]["agent"] == "rust-pro");
  CHECK(shown["children"][0]["status"] == "cancelled");
}

}  // namespace
}  // namespace agentry::cli
