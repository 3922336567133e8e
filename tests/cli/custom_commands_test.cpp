// Issue 21, custom commands and Claude Code's agent keys, end to end: the real binary, the fake
// LLM server, real cargo and clippy on a fixture crate of our own (tests/fixtures/crates/
// custom_command, with a clippy warning and `.claude/commands/fix-clippy.md`).
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "cli/support/agentry_harness.hpp"
#include "support/temp_dir.hpp"

namespace agentry::cli {
namespace {

using e2e::AgentryHome;
using e2e::json_lines;
using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kFixClippyText =
    "Run clippy on src, fix each warning it reports there, and run it again until it is clean.";

// rust-pro (the command's agent) runs clippy, fixes both lints in one edit, runs clippy again.
constexpr const char* kFixClippyScript = R"yaml(
turns:
  - tool_calls:
      - {id: call_1, name: cargo_clippy, arguments: {}}
  - when: {contains: "ptr_arg"}
    tool_calls:
      - id: call_2
        name: edit_file
        arguments:
          path: src/lib.rs
          old_string: "pub fn is_empty(values: &Vec<i32>) -> bool {\n    values.len() == 0"
          new_string: "pub fn is_empty(values: &[i32]) -> bool {\n    values.is_empty()"
  - tool_calls:
      - {id: call_3, name: cargo_clippy, arguments: {}}
  - text: "Clippy is clean."
)yaml";

void put_file(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

void copy_command_crate(const AgentryHome& home) {
  e2e::copy_crate(testing::fixtures_dir() / "crates" / "custom_command", home.ws());
}

/// The text of the first user message of a chat-completions request.
std::string first_user_message(const json& request) {
  for (const auto& m : request.value("messages", json::array())) {
    if (m.value("role", "") != "user") continue;
    if (m["content"].is_string()) return m["content"];
    std::string text;
    for (const auto& part : m["content"])
      text += part.value("text", "");
    return text;
  }
  return {};
}

/// The content of every tool.finished event, in order, prefixed with "error: " when it failed.
std::vector<std::string> command_tool_outcomes(const std::vector<json>& lines) {
  std::vector<std::string> out;
  for (const auto& line : lines) {
    if (line["type"] == "tool.finished")
      out.push_back((line["is_error"] == true ? "error: " : "") + line.value("content", ""));
  }
  return out;
}

}  // namespace

TEST_CASE("must show: `agentry run /fix-clippy src` runs .claude/commands/fix-clippy.md") {
  AgentryHome home;
  copy_command_crate(home);
  REQUIRE(home.run_tool({"cargo", "clippy", "--quiet", "--", "-D", "warnings"}).exit_code != 0);
  auto server = e2e::start_fake(kFixClippyScript);
  auto r = home.run({"run", "--output-format", "stream-json", "--permission-mode", "accept-edits",
                     "/fix-clippy", "src"},
                    server.get(), std::string());
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  auto requests = server->requests();
  REQUIRE(requests.size() == 4);
  // The first request's user message is the expanded command, and its agent the command's.
  CHECK(first_user_message(requests[0].json) == kFixClippyText);
  auto lines = json_lines(r.out);
  CHECK(lines.front()["agent"] == "rust-pro");
  CHECK(lines.back()["agent"] == "rust-pro");
  CHECK(lines.back()["result"] == "Clippy is clean.");
  auto results = command_tool_outcomes(lines);
  REQUIRE(results.size() == 3);
  CHECK(results[0].find("clippy::ptr_arg") != std::string::npos);
  CHECK(results[2].find("no errors or warnings") != std::string::npos);
  CHECK(home.run_tool({"cargo", "clippy", "--quiet", "--", "-D", "warnings"}).exit_code == 0);
}

TEST_CASE("chat: /fix-clippy src sends the same expanded command, with the command's agent") {
  AgentryHome home;
  copy_command_crate(home);
  // A command named like a built-in one is hidden by it, and the chat says so.
  put_file(home.ws() / ".claude" / "commands" / "cost.md", "Estimate the cost of $ARGUMENTS.\n");
  auto server = e2e::start_fake(kFixClippyScript);
  auto options = home.spawn_options({"chat", "--permission-mode", "accept-edits"}, server.get(),
                                    "/help\n/fix-clippy src\n");
  auto r = testing::run_process(options);
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  // /help lists the command with its hint, description and origin.
  CHECK(r.out.find("Custom commands:") != std::string::npos);
  CHECK(r.out.find("/fix-clippy [paths…]") != std::string::npos);
  CHECK(r.out.find("/review:pr") != std::string::npos);
  CHECK(r.out.find("(project:review)") != std::string::npos);
  CHECK(r.out.find("cost.md is not available: the built-in /cost has the name") !=
        std::string::npos);
  CHECK(r.out.find("/fix-clippy: Fix every clippy warning in the given paths") !=
        std::string::npos);
  auto requests = server->requests();
  REQUIRE(requests.size() == 4);
  CHECK(first_user_message(requests[0].json) == kFixClippyText);
  CHECK(r.out.find("Clippy is clean.") != std::string::npos);
  CHECK(home.run_tool({"cargo", "clippy", "--quiet", "--", "-D", "warnings"}).exit_code == 0);
}

TEST_CASE("run: $1 and $2 of a namespaced command, and an unknown command is a usage error") {
  AgentryHome home;
  copy_command_crate(home);
  auto server = e2e::start_fake("turns:\n  - text: reviewed\n");
  auto r = home.run({"run", "/review:pr", "42", "\"very high\""}, server.get(), std::string());
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(server->requests().size() == 1);
  CHECK(first_user_message(server->requests()[0].json) ==
        "Review pull request 42 with priority very high.");

  auto unknown = home.run({"run", "/no-such", "x"}, server.get(), std::string());
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("no custom command /no-such") != std::string::npos);
  CHECK(unknown.err.find("/fix-clippy") != std::string::npos);
  CHECK(server->requests().size() == 1);
}

TEST_CASE("agentry commands list shows every command with its origin") {
  AgentryHome home;
  copy_command_crate(home);
  put_file(home.root() / "home" / ".claude" / "commands" / "mine.md", "My own command.\n");
  auto r = home.run({"--trust-project", "commands", "list", "--json"}, nullptr);
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  auto out = json::parse(r.out);
  std::vector<std::string> names;
  for (const auto& c : out["commands"])
    names.push_back(c["name"].get<std::string>() + "@" + c["scope"].get<std::string>());
  CHECK(names == std::vector<std::string>{"fix-clippy@project", "mine@user", "review:pr@project"});
  CHECK(out["commands"][0]["description"] == "Fix every clippy warning in the given paths");
  CHECK(out["commands"][0]["allowed_tools"][0] ==
        json{{"tool", "bash"}, {"command", "cargo clippy"}, {"prefix", true}});
  // Untrusted, the project's command keeps no allowed tools, and a warning says so.
  auto untrusted = home.run({"commands", "list", "--json"}, nullptr);
  CHECK(json::parse(untrusted.out)["commands"][0]["allowed_tools"].empty());
  CHECK(untrusted.err.find("fix-clippy.md: ignored `allowed-tools`") != std::string::npos);
}

// A shell agent whose command allows `cargo clippy` but nothing else.
constexpr const char* kAllowedToolsScript = R"(
turns:
  - tool_calls:
      - {id: call_1, name: bash, arguments: {command: "cargo clippy --quiet"}}
  - tool_calls:
      - {id: call_2, name: bash, arguments: {command: "echo ran > made-by-bash"}}
  - text: done
)";

constexpr const char* kLintCommandFile =
    "---\ndescription: Lint\nagent: shell\nallowed-tools: Bash(cargo clippy:*)\n---\nLint it.\n";

TEST_CASE("allowed-tools: the user's command runs what it names unasked, nothing more") {
  AgentryHome home;
  copy_command_crate(home);
  put_file(home.root() / "home" / ".claude" / "agents" / "shell.md",
           "---\nname: shell\ndescription: runs commands\ntools: Read, Bash\n---\nRun things.\n");
  put_file(home.root() / "home" / ".claude" / "commands" / "lint.md", kLintCommandFile);
  auto server = e2e::start_fake(kAllowedToolsScript);
  auto r =
      home.run({"run", "--output-format", "stream-json", "/lint"}, server.get(), std::string());
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  auto results = command_tool_outcomes(json_lines(r.out));
  REQUIRE(results.size() == 2);
  CHECK_FALSE(results[0].starts_with("error: "));
  CHECK(results[1].starts_with("error: "));
  CHECK(results[1].find("nobody can approve bash here") != std::string::npos);
  CHECK_FALSE(fs::exists(home.ws() / "made-by-bash"));
}

TEST_CASE("allowed-tools of an untrusted project's command are ignored, with a warning") {
  AgentryHome home;
  copy_command_crate(home);
  put_file(home.root() / "home" / ".claude" / "agents" / "shell.md",
           "---\nname: shell\ndescription: runs commands\ntools: Read, Bash\n---\nRun things.\n");
  put_file(home.ws() / ".claude" / "commands" / "lint.md", kLintCommandFile);
  auto server = e2e::start_fake(kAllowedToolsScript);
  auto r =
      home.run({"run", "--output-format", "stream-json", "/lint"}, server.get(), std::string());
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("ignored `allowed-tools` from the command file of an untrusted project") !=
        std::string::npos);
  auto results = command_tool_outcomes(json_lines(r.out));
  REQUIRE(results.size() == 2);
  CHECK(results[0].find("nobody can approve bash here") != std::string::npos);
}

TEST_CASE("maxTurns caps the agent's turns as steps does") {
  AgentryHome home;
  put_file(home.root() / "home" / ".claude" / "agents" / "brief.md",
           "---\nname: brief\ndescription: d\ntools: Glob\nmaxTurns: 2\n---\nLook around.\n");
  auto server = e2e::start_fake(R"(
turns:
  - tool_calls: [{id: c1, name: glob, arguments: {pattern: "*"}}]
  - tool_calls: [{id: c2, name: glob, arguments: {pattern: "*"}}]
  - text: "Out of turns."
  - text: "UNEXPECTED"
)");
  auto r = home.run({"run", "--agent", "brief", "--output-format", "json", "Look."}, server.get(),
                    std::string());
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  auto result = json::parse(r.out);
  CHECK(result["stop_reason"] == "max_steps");
  CHECK(result["result"] == "Out of turns.");
  auto requests = server->requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[1].json.contains("tools"));
  CHECK_FALSE(requests[2].json.contains("tools"));  // the last turn must answer
}

TEST_CASE("initialPrompt is the first turn of run without a task and of chat") {
  AgentryHome home;
  put_file(home.root() / "home" / ".claude" / "agents" / "greeter.md",
           "---\nname: greeter\ndescription: d\nmode: primary\ntools: Read\ntop_p: 0.5\n"
           "initialPrompt: Summarise the crate in one line.\n---\nGreet.\n");
  auto server = e2e::start_fake("turns:\n  - text: one\n  - text: two\n");
  auto r = home.run({"run", "--agent", "greeter"}, server.get(), std::string());
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "one\n");
  auto chat = home.run({"chat", "--agent", "greeter"}, server.get(), std::string());
  INFO("chat stdout: " << chat.out << "\nstderr: " << chat.err);
  REQUIRE(chat.exit_code == 0);
  CHECK(chat.out.find("greeter's initial prompt: Summarise the crate in one line.") !=
        std::string::npos);
  auto requests = server->requests();
  REQUIRE(requests.size() == 2);
  for (const auto& request : requests) {
    CHECK(first_user_message(request.json) == "Summarise the crate in one line.");
    // top_p reaches the wire.
    CHECK(request.json["top_p"] == 0.5);
  }
}

TEST_CASE("must show: agents validate over the corpus and our fixtures reports no known key") {
  std::vector<std::string> args{"agents", "validate",
                                (testing::fixtures_dir() / "agents" / "claude_keys").string()};
  fs::path corpus = testing::shared_dir() / "corpus" / "agents";
  if (fs::exists(corpus)) args.push_back(corpus.string());
  AgentryHome home;
  auto r = home.run(args, nullptr);
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  std::string all = r.out + r.err;
  CHECK(all.find("bad_shapes.md") != std::string::npos);  // the fixtures were read
  for (const char* key :
       {"disallowedTools", "permissionMode", "maxTurns", "skills", "hooks", "mcpServers", "effort",
        "initialPrompt", "color", "steps", "top_p", "permission"}) {
    CHECK_MESSAGE(all.find(std::string("unknown key '") + key + "'") == std::string::npos, key);
  }
}

}  // namespace agentry::cli
