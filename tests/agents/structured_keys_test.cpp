// Claude Code's and opencode's agent keys (issue 21): every one honoured and none reported as
// unknown, their shapes checked where they are written.
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "agents/agent_parser.hpp"
#include "support/temp_dir.hpp"

namespace agentry::agents {

namespace {

using KeyNames = std::vector<std::string>;

struct ParsedKeys {
  std::optional<AgentDefinition> def;
  Diagnostics diagnostics;

  /// The messages of every warning and error, "line: message".
  std::vector<std::string> problems() const {
    std::vector<std::string> out;
    for (const auto& d : diagnostics) {
      if (d.severity != Severity::kInfo) out.push_back(std::to_string(d.line) + ": " + d.message);
    }
    return out;
  }
};

ParsedKeys parse_keys_fixture(const std::string& name) {
  ParsedKeys out;
  auto file = testing::fixtures_dir() / "agents" / "claude_keys" / name;
  out.def =
      parse_agent(testing::read_file(file), file, file.stem().string(), "test", out.diagnostics);
  return out;
}

ParsedKeys parse_keys_text(std::string text) {
  ParsedKeys out;
  out.def = parse_agent(std::move(text), "inline.md", "inline", "test", out.diagnostics);
  return out;
}

}  // namespace

TEST_CASE("every Claude Code agent key is honoured, none reported unknown") {
  ParsedKeys p = parse_keys_fixture("every_key.md");
  REQUIRE(p.def);
  CHECK(p.problems().empty());
  const AgentDefinition& def = *p.def;
  CHECK(def.disabled_tools == KeyNames{"write_file"});
  CHECK(def.extra == nlohmann::json{{"permissionMode", "acceptEdits"}});
  CHECK(def.max_steps == 7);
  CHECK(def.skills == KeyNames{"rust-style", "release-notes"});
  REQUIRE(def.hooks.is_object());
  CHECK(def.hooks["PreToolUse"][0]["matcher"] == "Edit|Write");
  CHECK(def.hooks["PreToolUse"][0]["hooks"][0]["command"] == "./scripts/guard.sh");
  CHECK(def.hooks["PreToolUse"][0]["hooks"][0]["timeout"] == 10);
  CHECK(def.hooks["Stop"][0]["hooks"][0]["command"] == "cargo check");
  REQUIRE(def.mcp_servers);
  REQUIRE(def.mcp_servers->size() == 3);
  CHECK((*def.mcp_servers)[0].name == "github");
  CHECK((*def.mcp_servers)[0].definition.is_null());
  CHECK((*def.mcp_servers)[1].name == "docs");
  CHECK((*def.mcp_servers)[1].definition["url"] == "http://127.0.0.1:9/mcp");
  CHECK((*def.mcp_servers)[2].definition["args"][0] == "--stdio");
  CHECK(def.effort == "high");
  CHECK(def.initial_prompt == "Review the staged changes and list what breaks.");
  CHECK(def.color == "purple");
}

TEST_CASE("opencode's steps, top_p and every permission form load") {
  ParsedKeys p = parse_keys_fixture("opencode_keys.md");
  REQUIRE(p.def);
  CHECK(p.problems().empty());
  CHECK(p.def->max_steps == 12);
  CHECK(p.def->top_p == doctest::Approx(0.9));
  CHECK(p.def->temperature == doctest::Approx(0.2));
  const auto& permission = p.def->permission;
  CHECK(permission["*"] == "ask");
  CHECK(permission["edit"]["src/*.rs"] == "allow");
  CHECK(permission["bash"]["rm *"] == "deny");
  CHECK(permission["webfetch"] == "deny");
  CHECK(permission["external_directory"]["~/notes/**"] == "allow");
}

TEST_CASE("Claude Code keys written wrong are warnings at their line, the agent still loads") {
  ParsedKeys p = parse_keys_fixture("bad_shapes.md");
  REQUIRE(p.def);
  auto problems = p.problems();
  REQUIRE(problems.size() == 5);
  CHECK(problems[0].starts_with("3: permissionMode must be default, acceptEdits"));
  CHECK(problems[1].starts_with("4: `skills` must be a list of skill names"));
  CHECK(problems[2].starts_with("8: a hook entry needs `hooks:`"));
  CHECK(problems[3].starts_with("11: MCP server 'docs' must be a mapping with a `command`"));
  CHECK(problems[4].starts_with("12: 'initialPrompt' must be a string, not a list"));
  CHECK(p.def->skills.empty());
  CHECK(p.def->hooks.is_null());
  CHECK_FALSE(p.def->mcp_servers);
  CHECK(p.def->initial_prompt.empty());
  // Kept: the engine refuses to run the agent with it, naming the file.
  CHECK(p.def->extra["permissionMode"] == "yolo");
}

TEST_CASE("maxTurns is a step cap, top_p outside 0–1 is an error") {
  ParsedKeys turns = parse_keys_text("---\ndescription: d\nmaxTurns: 3\n---\nx\n");
  REQUIRE(turns.def);
  CHECK(turns.def->max_steps == 3);
  ParsedKeys zero = parse_keys_text("---\ndescription: d\nmaxTurns: 0\n---\nx\n");
  CHECK_FALSE(zero.def);
  ParsedKeys high = parse_keys_text("---\ndescription: d\ntop_p: 1.5\n---\nx\n");
  CHECK_FALSE(high.def);
  REQUIRE(high.problems().size() == 1);
  CHECK(high.problems()[0] == "3: top_p must be a number between 0 and 1, not '1.5'");
}

TEST_CASE("hooks naming an event Claude Code does not define: a warning, the rest kept") {
  ParsedKeys p = parse_keys_text(
      "---\ndescription: d\nhooks:\n  BeforeLunch:\n    - hooks:\n        - type: command\n"
      "          command: echo\n---\nx\n");
  REQUIRE(p.def);
  REQUIRE(p.problems().size() == 1);
  CHECK(p.problems()[0].starts_with("4: unknown hook event 'BeforeLunch'"));
  CHECK(p.def->hooks["BeforeLunch"][0]["hooks"][0]["command"] == "echo");
}

TEST_CASE("keys that still mean nothing to agentry stay warnings") {
  ParsedKeys p = parse_keys_text("---\ndescription: d\nemoji: 🦀\n---\nx\n");
  REQUIRE(p.def);
  REQUIRE(p.problems().size() == 1);
  CHECK(p.problems()[0] == "3: unknown key 'emoji': kept, but agentry does not use it");
}

}  // namespace agentry::agents
