// The tool-access policy, one table per question: what an agent (as its file is parsed) is
// offered, what happens to a call under each mode, and what `agents list|show` print.
#include "engine/tool_access.hpp"

#include <doctest/doctest.h>

#include "agents/agent_parser.hpp"
#include "agents/tool_names.hpp"

namespace agentry::engine {

using nlohmann::json;
using tools::Permission;

namespace {

/// The agent a file with this front-matter (YAML lines) defines.
agents::AgentDefinition agent_from(const std::string& front_matter) {
  agents::Diagnostics diagnostics;
  auto def = agents::parse_agent("---\ndescription: d\n" + front_matter + "\n---\nBody.\n",
                                 "agents/a.md", "a", "test", diagnostics);
  REQUIRE_MESSAGE(def, front_matter);
  return *def;
}

struct OfferCase {
  const char* front_matter;
  const char* tool;
  bool offered;
};

// "primary" / "subagent" refer to `mode:`; without it an agent is both (kAll).
constexpr OfferCase kOffers[] = {
    // No tools list: every tool that exists; a subagent delegates only when told to.
    {"mode: primary", "read_file", true},
    {"mode: primary", "task", true},
    {"mode: primary", "mcp__github__create_issue", true},
    {"mode: subagent", "write_file", true},
    {"mode: subagent", "task", false},
    {"mode: all", "task", true},
    // An explicit list: exactly its names, Claude Code's spelt as agentry's.
    {"tools: [read_file, cargo_check]", "read_file", true},
    {"tools: [read_file, cargo_check]", "write_file", false},
    {"tools: [read_file, cargo_check]", "task", false},
    {"tools: Read, Grep", "grep", true},
    {"tools: Read, Grep", "edit_file", false},
    {"mode: subagent\ntools: [read_file, Task]", "task", true},
    {"tools: []", "read_file", false},
    // `*` and `?`.
    {"mode: subagent\ntools: [\"*\"]", "task", true},
    {"tools: \"*\"", "task", true},
    {"tools: [\"*\"]", "clippy_fix", true},
    {"tools: [\"*\"]", "mcp__github__create_issue", true},
    {"tools: [\"t?sk\"]", "task", true},
    {"tools: [\"gr?p\"]", "grep", true},
    {"tools: [\"gr?p\"]", "grp", false},
    {"tools: [\"cargo_*\"]", "cargo_test", true},
    {"tools: [\"cargo_*\"]", "clippy_fix", false},
    {"tools: [\"*_file\"]", "write_file", true},
    // Names agentry does not know (MCP tools) and patterns over them.
    {"tools: [read_file, mcp__github__create_issue]", "mcp__github__create_issue", true},
    {"tools: [read_file, mcp__github__create_issue]", "mcp__github__delete_repo", false},
    {"tools: [\"mcp__github__*\"]", "mcp__github__delete_repo", true},
    {"tools: [\"mcp__github__*\"]", "read_file", false},
    // Disabled patterns win over everything; Claude Code's disallowedTools is the same.
    {"tools: [\"*\"]\ndisallowedTools: [Write]", "write_file", false},
    {"tools: [\"*\"]\ndisallowedTools: [Task]", "task", false},
    {"tools: [\"*\"]\ndisallowedTools: [Write]", "edit_file", true},
    {"tools: [\"t?sk\"]\ndisallowedTools: [\"t*\"]", "task", false},
    // opencode maps: on top of the defaults.
    {"tools:\n  write: false", "write_file", false},
    {"tools:\n  write: false", "edit_file", true},
    {"tools:\n  cargo_*: false", "cargo_build", false},
    {"tools:\n  cargo_*: false", "rustfmt", true},
    {"tools:\n  cargo_*: false\n  cargo_test: true", "cargo_test", false},
    {"tools:\n  \"mcp_*\": false\n  mcp_github: true", "mcp_github", false},
    {"tools:\n  mcp_github: true", "mcp_github", true},
    {"tools:\n  task: false", "task", false},
    {"mode: subagent\ntools:\n  task: true", "task", true},
    {"mode: subagent\ntools:\n  read: true", "task", false},
    {"tools: [read_file, edit_file]\ndisallowedTools: [Edit]", "edit_file", false},
};

struct DecideCase {
  const char* what;
  tools::PermissionMode session;
  const char* front_matter;  ///< the agent's permission / permissionMode lines
  const char* config;        ///< the config's `permissions` section, JSON
  const char* tool;
  bool writes;    ///< the tool's spec says it writes
  bool settings;  ///< the call writes agentry's or a peer's settings
  Permission expected;
};

constexpr auto kAsk = tools::PermissionMode::kAsk;
constexpr auto kAccept = tools::PermissionMode::kAcceptEdits;
constexpr auto kBypass = tools::PermissionMode::kBypass;

constexpr DecideCase kDecisions[] = {
    // --permission-mode ask: the rules as they are.
    {"ask: a read is allowed", kAsk, "", "null", "read_file", false, false, Permission::kAllow},
    {"ask: a write asks", kAsk, "", "null", "edit_file", true, false, Permission::kAsk},
    {"ask: config allow", kAsk, "", R"({"edit_file": "allow"})", "edit_file", true, false,
     Permission::kAllow},
    {"ask: config deny", kAsk, "", R"({"read_file": "deny"})", "read_file", false, false,
     Permission::kDeny},
    {"ask: config default ask", kAsk, "", R"({"default": "ask"})", "grep", false, false,
     Permission::kAsk},
    {"ask: a settings write asks even when allowed", kAsk, "", R"({"edit_file": "allow"})",
     "edit_file", true, true, Permission::kAsk},
    // --permission-mode accept-edits: workspace writes that ask are allowed.
    {"accept-edits: a write", kAccept, "", "null", "edit_file", true, false, Permission::kAllow},
    {"accept-edits: a settings write still asks", kAccept, "", "null", "write_file", true, true,
     Permission::kAsk},
    {"accept-edits: config deny", kAccept, "", R"({"edit_file": "deny"})", "edit_file", true, false,
     Permission::kDeny},
    {"accept-edits: a read that asks still asks", kAccept, "", R"({"grep": "ask"})", "grep", false,
     false, Permission::kAsk},
    // --permission-mode bypass: everything but deny.
    {"bypass: a write", kBypass, "", "null", "edit_file", true, false, Permission::kAllow},
    {"bypass: a settings write", kBypass, "", "null", "edit_file", true, true, Permission::kAllow},
    {"bypass: a read that asks", kBypass, "", R"({"grep": "ask"})", "grep", false, false,
     Permission::kAllow},
    {"bypass: config deny", kBypass, "", R"({"cargo_test": "deny"})", "cargo_test", false, false,
     Permission::kDeny},
    {"bypass: the agent's own deny", kBypass, "permission:\n  bash: deny", "null", "cargo_test",
     false, false, Permission::kDeny},
    // The agent's `permission` rules.
    {"agent allows edits", kAsk, "permission:\n  edit: allow", "null", "edit_file", true, false,
     Permission::kAllow},
    {"agent asks for reads", kAsk, "permission:\n  read: ask", "null", "read_file", false, false,
     Permission::kAsk},
    {"agent cannot lift a config deny", kAsk, "permission:\n  edit: allow",
     R"({"edit_file": "deny"})", "edit_file", true, false, Permission::kDeny},
    // The agent's permissionMode (Claude Code's), under each session mode.
    {"plan denies writes", kAsk, "permissionMode: plan", "null", "edit_file", true, false,
     Permission::kDeny},
    {"plan denies writes under bypass too", kBypass, "permissionMode: plan", "null", "edit_file",
     true, false, Permission::kDeny},
    {"plan keeps reads", kAsk, "permissionMode: plan", "null", "cargo_check", false, false,
     Permission::kAllow},
    {"dontAsk denies what would ask", kAsk, "permissionMode: dontAsk", "null", "write_file", true,
     false, Permission::kDeny},
    {"dontAsk wins over accept-edits", kAccept, "permissionMode: dontAsk", "null", "write_file",
     true, false, Permission::kDeny},
    {"dontAsk keeps allows", kAsk, "permissionMode: dontAsk", "null", "grep", false, false,
     Permission::kAllow},
    {"acceptEdits allows writes", kAsk, "permissionMode: acceptEdits", "null", "edit_file", true,
     false, Permission::kAllow},
    {"bypassPermissions allows writes", kAsk, "permissionMode: bypassPermissions", "null",
     "clippy_fix", true, false, Permission::kAllow},
    {"bypassPermissions leaves settings writes asking", kAsk, "permissionMode: bypassPermissions",
     "null", "edit_file", true, true, Permission::kAsk},
    {"bypassPermissions cannot lift a config deny", kAsk, "permissionMode: BYPASSPERMISSIONS",
     R"({"edit_file": "deny"})", "edit_file", true, false, Permission::kDeny},
    {"default is the rules", kAsk, "permissionMode: default", "null", "edit_file", true, false,
     Permission::kAsk},
    // A tool the agent is not offered is denied, whatever the modes say.
    {"not offered", kBypass, "tools: [read_file]\npermissionMode: bypassPermissions", "null",
     "edit_file", true, false, Permission::kDeny},
};

tools::ToolSpec spec_of(const char* name, bool writes) {
  tools::ToolSpec spec;
  spec.schema.name = name;
  spec.writes = writes;
  return spec;
}

}  // namespace

TEST_CASE("what an agent is offered, for every form its file can take") {
  for (const auto& row : kOffers) {
    CAPTURE(row.front_matter);
    CAPTURE(row.tool);
    auto def = agent_from(row.front_matter);
    CHECK(ToolAccess(def).offers(row.tool) == row.offered);
  }
}

TEST_CASE("what happens to a call under the session mode, the rules and permissionMode") {
  for (const auto& row : kDecisions) {
    CAPTURE(row.what);
    auto def = agent_from(row.front_matter);
    auto config = tools::PermissionPolicy::from_config(json::parse(row.config), "config.yaml");
    REQUIRE(config);
    ToolAccess access(def);
    auto rules = access.policy(*config);
    REQUIRE(rules);
    json arguments = {{"path", "src/lib.rs"}};
    CHECK(access.decide(*rules, row.session, spec_of(row.tool, row.writes), arguments,
                        row.settings) == row.expected);
  }
}

TEST_CASE("a permissionMode that is not one of the modes is an error naming the agent file") {
  auto config = tools::PermissionPolicy();
  auto unknown = ToolAccess(agent_from("permissionMode: yolo")).policy(config);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == ErrorCode::kConfig);
  CHECK(unknown.error().message == "unknown permissionMode `yolo`");
  CHECK(unknown.error().where == "agents/a.md");
  auto number = ToolAccess(agent_from("permissionMode: [plan]")).policy(config);
  REQUIRE_FALSE(number);
  CHECK(number.error().message == R"(permissionMode must be a string, not ["plan"])");
  CHECK(agent_permission_mode(agent_from("permissionMode: Plan")) ==
        tools::AgentPermissionMode::kPlan);
  CHECK(agent_permission_mode(agent_from("mode: primary")) == tools::AgentPermissionMode::kDefault);
}

TEST_CASE("agents list and show: the listed tools, patterns expanded, unknown names kept") {
  struct Row {
    const char* front_matter;
    std::vector<std::string> listed;
  };
  const std::vector<Row> rows = {
      {"tools: [cargo_check, read_file]", {"cargo_check", "read_file"}},
      {"tools: [\"cargo_*\", \"mcp__gh__*\", mcp__x__y]",
       {"cargo_check", "cargo_build", "cargo_test", "cargo_clippy", "mcp__gh__*", "mcp__x__y"}},
      {"mode: subagent\ntools: [\"*\"]",
       {agents::kAgentryTools.begin(), agents::kAgentryTools.end()}},
      {"mode: subagent\ntools:\n  write: false\n  \"cargo_*\": false",
       {"read_file", "edit_file", "list_files", "glob", "grep", "clippy_fix", "rustfmt", "bash",
        "skill"}},
      {"tools:\n  write: false\n  \"cargo_*\": false\n  mcp_github: true\n  read: true",
       {"read_file", "edit_file", "list_files", "glob", "grep", "clippy_fix", "rustfmt", "bash",
        "task", "skill", "mcp_github"}},
      {"tools: []", {}},
  };
  for (const auto& row : rows) {
    CAPTURE(row.front_matter);
    CHECK(ToolAccess(agent_from(row.front_matter)).listed(agents::kAgentryTools) == row.listed);
  }
}

TEST_CASE("an agent is open-ended when it may get tools agentry does not have") {
  const std::pair<const char*, bool> rows[] = {
      {"mode: subagent", true},
      {"tools:\n  write: false", true},
      {"tools: [read_file, grep]", false},
      {"tools: [\"cargo_*\", \"*_file\"]", false},
      {"tools: [read_file, mcp__github__create_issue]", true},
      {"tools: [\"mcp__*\"]", true},
  };
  for (const auto& [front_matter, open] : rows) {
    CAPTURE(front_matter);
    CHECK(ToolAccess(agent_from(front_matter)).open_ended(agents::kAgentryTools) == open);
  }
}

}  // namespace agentry::engine
