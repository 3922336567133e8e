// `agentry mcp list|tools|call` end to end, with the real binary and real MCP servers from npm
// (tests/mcp_servers), and the trust rule for a project's .mcp.json.
#include <chrono>
#include <csignal>
#include <thread>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "cli/support/agentry_harness.hpp"
#include "support/mcp_servers.hpp"

namespace agentry::cli::e2e {
namespace {

std::string bad_server() {
  return (fs::path(AGENTRY_TEST_FIXTURES) / "mcp" / "bad_server.py").string();
}

/// A user config with the filesystem server on the workspace and server-everything.
void write_servers(const AgentryHome& home, const testing::RealMcpServers& servers) {
  home.write_config(fmt::format(R"(mcp_servers:
  fs:
    command: {0}
    args: ["{1}", "${{MCP_TEST_DIR}}"]
  everything:
    command: {0}
    args: ["{2}", stdio, "{3}"]
    timeout: 60
)",
                                servers.node, servers.script("server-filesystem"),
                                servers.script("server-everything"), home.root().string()));
}

}  // namespace

TEST_CASE("agentry mcp call: server-filesystem lists and reads a directory") {
  auto servers = testing::real_mcp_servers();
  if (!servers) return;
  AgentryHome home;
  write_servers(home, *servers);
  fs::create_directories(home.ws() / "docs");
  { std::ofstream(home.ws() / "docs" / "readme.txt") << "the answer is 42\n"; }
  auto options =
      home.spawn_options({"mcp", "call", "fs", "list_directory",
                          fmt::format(R"({{"path": "{}"}})", (home.ws() / "docs").string())},
                         nullptr);
  options.env["MCP_TEST_DIR"] = home.ws().string();
  auto listed = testing::run_process(options);
  CHECK_MESSAGE(listed.exit_code == 0, listed.err);
  CHECK(listed.out == "[FILE] readme.txt\n");

  options.argv.back() =
      fmt::format(R"({{"path": "{}"}})", (home.ws() / "docs" / "readme.txt").string());
  options.argv[options.argv.size() - 2] = "read_text_file";
  auto read = testing::run_process(options);
  CHECK_MESSAGE(read.exit_code == 0, read.err);
  CHECK(read.out == "the answer is 42\n");

  // A tool's own error: exit 1, the text on stderr.
  options.argv.back() = R"({"path": "/etc/passwd"})";
  auto denied = testing::run_process(options);
  CHECK(denied.exit_code == 1);
  CHECK(denied.err.find("Access denied") != std::string::npos);
  CHECK(testing::none_left_with(home.ws().string()));
}

TEST_CASE("agentry mcp list and mcp tools show each server, its state and its tools") {
  auto servers = testing::real_mcp_servers();
  if (!servers) return;
  AgentryHome home;
  write_servers(home, *servers);
  auto options = home.spawn_options({"mcp", "list"}, nullptr);
  options.env["MCP_TEST_DIR"] = home.ws().string();
  auto list = testing::run_process(options);
  CHECK_MESSAGE(list.exit_code == 0, list.err);
  CHECK(list.out.find("fs (stdio: ") != std::string::npos);
  CHECK(list.out.find("): running — secure-filesystem-server") != std::string::npos);
  CHECK(list.out.find("read_text_file") != std::string::npos);
  CHECK(list.out.find("everything (stdio: ") != std::string::npos);
  CHECK(list.out.find("get-tiny-image") != std::string::npos);
  CHECK(list.out.find("config.yaml:3:5") != std::string::npos);

  options.argv = {agentry_bin(), "--cwd", home.ws().string(), "mcp", "tools",
                  "everything",  "--json"};
  auto tools = testing::run_process(options);
  CHECK_MESSAGE(tools.exit_code == 0, tools.err);
  auto parsed = nlohmann::json::parse(tools.out, nullptr, false);
  REQUIRE(parsed.is_array());
  bool found = false;
  for (const auto& tool : parsed)
    found = found || (tool["name"] == "echo" && tool["inputSchema"]["type"] == "object");
  CHECK(found);
  CHECK(testing::none_left_with(home.root().string()));
}

TEST_CASE("agentry mcp call: progress on stderr, structured and image content") {
  auto servers = testing::real_mcp_servers();
  if (!servers) return;
  AgentryHome home;
  write_servers(home, *servers);
  auto run = [&](std::string tool, std::string args) {
    auto options = home.spawn_options({"mcp", "call", "everything", tool, args}, nullptr);
    options.env["MCP_TEST_DIR"] = home.ws().string();
    return testing::run_process(options);
  };
  auto progress = run("trigger-long-running-operation", R"({"duration": 1, "steps": 2})");
  CHECK_MESSAGE(progress.exit_code == 0, progress.err);
  CHECK(progress.err.find("progress 1/2\nprogress 2/2\n") != std::string::npos);
  CHECK(progress.out.find("Long running operation completed") != std::string::npos);
  auto image = run("get-tiny-image", "{}");
  CHECK(image.out.find("[image: image/png, ") != std::string::npos);
  auto structured = run("get-structured-content", R"({"location": "Los Angeles"})");
  CHECK(structured.out.find(R"("temperature":)") != std::string::npos);
  auto bad_args = run("echo", "[1, 2]");
  CHECK(bad_args.exit_code == 2);
  CHECK(bad_args.err.find("not one JSON object") != std::string::npos);
}

TEST_CASE("agentry mcp call: Ctrl-C cancels a long call and leaves no process") {
  auto servers = testing::real_mcp_servers();
  if (!servers) return;
  AgentryHome home;
  write_servers(home, *servers);
  auto options = home.spawn_options({"mcp", "call", "everything", "trigger-long-running-operation",
                                     R"({"duration": 60, "steps": 60})"},
                                    nullptr);
  options.env["MCP_TEST_DIR"] = home.ws().string();
  testing::SpawnedProcess agentry(options);
  // Wait until the server runs and the call is under way.
  for (int i = 0; i < 200 && testing::processes_with(home.root().string()).size() < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto started = std::chrono::steady_clock::now();
  agentry.send(SIGINT);
  auto outcome = agentry.wait(std::chrono::seconds(30));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  CHECK(outcome.exit_code == 130);
  CHECK(outcome.err.find("progress 1/60") != std::string::npos);
  CHECK(outcome.err.find("was cancelled") != std::string::npos);
  CHECK(testing::none_left_with(home.root().string()));
}

TEST_CASE("agentry mcp: an untrusted project's .mcp.json starts nothing, a trusted one's does") {
  AgentryHome home;
  home.write_config("{}\n");
  fs::create_directories(home.ws() / ".git");
  fs::path marker = home.root() / "started";
  {
    std::ofstream(home.ws() / ".mcp.json") << fmt::format(
        R"({{"mcpServers": {{"proj": {{"type": "stdio", "command": "python3", "args": ["{}", "crash", "{}"]}}}}}})",
        bad_server(), marker.string());
  }
  auto list = home.run({"mcp", "list"}, nullptr);
  CHECK_MESSAGE(list.exit_code == 0, list.err);
  CHECK(list.out.find("proj (stdio: python3 ") != std::string::npos);
  CHECK(list.out.find("blocked — the project ") != std::string::npos);
  CHECK(
      list.err.find("is not trusted, so the MCP servers of its .mcp.json (proj) are not started") !=
      std::string::npos);
  auto call = home.run({"mcp", "call", "proj", "work", "{}"}, nullptr);
  CHECK(call.exit_code == 1);
  CHECK(call.err.find("not started") != std::string::npos);
  CHECK(call.err.find("--trust-project") != std::string::npos);
  CHECK(testing::processes_with(bad_server()).empty());

  // Trusted: it starts (and this one crashes on its first call, leaving the marker).
  auto trusted = home.run({"--trust-project", "mcp", "call", "proj", "work", "{}"}, nullptr);
  CHECK(trusted.exit_code == 1);
  CHECK_MESSAGE(
      trusted.err.find("exited with status 3 during the call of work") != std::string::npos,
      trusted.err);
  CHECK(fs::exists(marker));
}

TEST_CASE("agentry mcp: a bad mcp_servers entry is an error naming file:line:col") {
  AgentryHome home;
  home.write_config("mcp_servers:\n  broken:\n    command: node\n    args: oops\n");
  auto list = home.run({"mcp", "list"}, nullptr);
  CHECK(list.exit_code != 0);
  CHECK_MESSAGE(list.err.find("config.yaml:4:11") != std::string::npos, list.err);
  CHECK(list.err.find("`args` must be a list of strings") != std::string::npos);
  auto unset = home.run({"mcp", "list"}, nullptr);
  home.write_config("mcp_servers:\n  web:\n    url: http://h/${AGENTRY_TEST_UNSET_VAR}\n");
  unset = home.run({"mcp", "list"}, nullptr);
  CHECK(unset.exit_code != 0);
  CHECK(unset.err.find("AGENTRY_TEST_UNSET_VAR is not set") != std::string::npos);
}

}  // namespace agentry::cli::e2e
