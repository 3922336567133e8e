// MCP tools in the agent loop: which an agent is offered (the access patterns of `tools`,
// opencode maps and `mcpServers`), what the permission rules make of a call, and the tool host
// that lists and runs them over a real ServerPool (tests/fixtures/mcp/bad_server.py).
#include "engine/mcp_tool_host.hpp"

#include <doctest/doctest.h>

#include "agents/agent_parser.hpp"
#include "core/build_paths.hpp"
#include "engine/tool_access.hpp"
#include "mcpclient/tool_names.hpp"
#include "support/temp_dir.hpp"

namespace agentry::engine {

using nlohmann::json;
using tools::Permission;

namespace {

agents::AgentDefinition mcp_agent_from(const std::string& front_matter) {
  agents::Diagnostics diagnostics;
  auto def = agents::parse_agent("---\ndescription: d\n" + front_matter + "\n---\nBody.\n",
                                 "agents/a.md", "a", "test", diagnostics);
  REQUIRE_MESSAGE(def, front_matter);
  return *def;
}

struct McpOfferCase {
  const char* front_matter;
  const char* server;
  const char* tool;
  bool offered;
};

constexpr McpOfferCase kMcpOffers[] = {
    // No tools list: every tool of every server.
    {"mode: primary", "memory", "create_entities", true},
    // The tool by name, its server's pattern, all of its server, all of MCP.
    {"tools: [read_file, mcp__memory__read_graph]", "memory", "read_graph", true},
    {"tools: [read_file, mcp__memory__read_graph]", "memory", "create_entities", false},
    {"tools: [mcp__memory__*]", "memory", "create_entities", true},
    {"tools: [mcp__memory__*]", "github", "create_issue", false},
    {"tools: [mcp__memory]", "memory", "delete_entities", true},
    {"tools: [mcp__memory]", "memory2", "x", false},
    {"tools: [mcp__*]", "github", "create_issue", true},
    {"tools: [mcp__mem*__read_*]", "memory", "read_graph", true},
    {"tools: [mcp__mem*__read_*]", "memory", "open_nodes", false},
    // None listed: none offered (rust-pro).
    {"tools: [read_file, Bash]", "memory", "read_graph", false},
    // The server's name as the model sees it: sanitised.
    {"tools: [mcp__my_server__*]", "my.server", "go", true},
    // opencode: a map of `<server>_<tool>` patterns (and agentry's names) to true or false.
    {"tools: {memory_*: false}", "memory", "read_graph", false},
    {"tools: {memory_*: false}", "github", "create_issue", true},
    {"tools: {mcp__github__create_issue: false}", "github", "create_issue", false},
    {"tools: {mcp__github__create_issue: false}", "github", "get_issue", true},
    // Claude Code's disallowedTools wins over the list.
    {"tools: [mcp__*]\ndisallowedTools: [mcp__github__delete_repo]", "github", "delete_repo",
     false},
    {"tools: [mcp__*]\ndisallowedTools: [mcp__github__delete_repo]", "github", "get_repo", true},
};

std::string mcp_name(std::string_view server, std::string_view tool) {
  return mcpclient::name_tools({{std::string(server), {std::string(tool)}}}).tools[0].name;
}

}  // namespace

TEST_CASE("MCP tools: what tools, opencode maps and disallowedTools offer") {
  for (const auto& c : kMcpOffers) {
    auto agent = mcp_agent_from(c.front_matter);
    ToolAccess access(agent);
    INFO(c.front_matter << " / " << c.server << " " << c.tool);
    CHECK(access.offers_mcp(mcp_name(c.server, c.tool), c.server, c.tool) == c.offered);
    // A server none of whose tools can be offered is never started for the agent.
    if (c.offered) CHECK(access.may_offer_server(c.server));
  }
}

TEST_CASE("MCP tools: an agent that can be offered none starts no server") {
  CHECK_FALSE(ToolAccess(mcp_agent_from("tools: [read_file, Bash, task]")).may_offer_mcp());
  CHECK_FALSE(ToolAccess(mcp_agent_from("tools: []")).may_offer_mcp());
  CHECK(ToolAccess(mcp_agent_from("tools: [read_file, mcp__memory__*]")).may_offer_mcp());
  CHECK(ToolAccess(mcp_agent_from("tools: [\"*\"]")).may_offer_mcp());
  CHECK(ToolAccess(mcp_agent_from("mode: primary")).may_offer_mcp());

  auto memory_only = mcp_agent_from("tools: [mcp__memory__*]");
  CHECK(ToolAccess(memory_only).may_offer_server("memory"));
  CHECK_FALSE(ToolAccess(memory_only).may_offer_server("github"));
  auto no_github = mcp_agent_from("tools: {github_*: false}");
  CHECK_FALSE(ToolAccess(no_github).may_offer_server("github"));
  CHECK(ToolAccess(no_github).may_offer_server("memory"));
  CHECK_FALSE(
      ToolAccess(mcp_agent_from("disallowedTools: [mcp__github]")).may_offer_server("github"));
}

TEST_CASE("MCP tools: mcpServers names configured servers and defines others inline") {
  auto agent = mcp_agent_from(
      "mcpServers:\n  - memory\n  - tracker:\n      command: node\n      args: [t.js]\n");
  REQUIRE(agent.mcp_servers);
  REQUIRE(agent.mcp_servers->size() == 2);
  CHECK((*agent.mcp_servers)[0].name == "memory");
  CHECK((*agent.mcp_servers)[0].definition.is_null());
  CHECK((*agent.mcp_servers)[1].name == "tracker");
  CHECK((*agent.mcp_servers)[1].definition == json{{"command", "node"}, {"args", {"t.js"}}});
  CHECK(agent.extra.is_object());
  CHECK_FALSE(agent.extra.contains("mcpServers"));
}

struct McpPermissionCase {
  const char* config;      ///< the config's `permissions` as JSON
  const char* permission;  ///< the agent's `permission` as JSON
  const char* tool;
  Permission expected;
};

constexpr McpPermissionCase kMcpPermissions[] = {
    // Ask by default: a server can do anything.
    {"{}", "null", "mcp__memory__read_graph", Permission::kAsk},
    // Per server (pattern or the server's name) and per tool, the most specific rule winning.
    {R"({"mcp__memory__*": "allow"})", "null", "mcp__memory__read_graph", Permission::kAllow},
    {R"({"mcp__memory__*": "allow"})", "null", "mcp__github__get_issue", Permission::kAsk},
    {R"({"mcp__memory": "allow"})", "null", "mcp__memory__read_graph", Permission::kAllow},
    {R"({"mcp__memory": "allow"})", "null", "mcp__memory2__x", Permission::kAsk},
    {R"({"mcp__github__*": "allow", "mcp__github__delete_repo": "deny"})", "null",
     "mcp__github__delete_repo", Permission::kDeny},
    {R"({"mcp__github__*": "allow", "mcp__github__delete_repo": "deny"})", "null",
     "mcp__github__get_issue", Permission::kAllow},
    {R"({"mcp__*": "deny", "mcp__memory__*": "allow"})", "null", "mcp__memory__x",
     Permission::kAllow},
    {R"({"mcp__*": "deny", "mcp__memory__*": "allow"})", "null", "mcp__github__x",
     Permission::kDeny},
    // The agent's rules over the config's, except a config deny.
    {"{}", R"({"mcp__memory__*": "allow"})", "mcp__memory__read_graph", Permission::kAllow},
    {"{}", R"({"mcp__github__delete_repo": "deny"})", "mcp__github__delete_repo",
     Permission::kDeny},
    {R"({"mcp__github": "deny"})", R"({"mcp__github__*": "allow"})", "mcp__github__get_issue",
     Permission::kDeny},
    {"{}", R"({"*": "allow"})", "mcp__github__get_issue", Permission::kAllow},
    // opencode's `edit` does not cover an MCP tool.
    {"{}", R"({"edit": "allow"})", "mcp__github__get_issue", Permission::kAsk},
};

TEST_CASE("MCP tools: permissions per server and per tool") {
  for (const auto& c : kMcpPermissions) {
    INFO(c.config << " / " << c.permission << " / " << c.tool);
    auto config = tools::PermissionPolicy::from_config(json::parse(c.config), "config.yaml");
    REQUIRE(config);
    auto policy = config->for_agent(json::parse(c.permission), "", "agents/a.md");
    REQUIRE(policy);
    tools::ToolSpec spec;
    spec.schema.name = c.tool;
    CHECK(policy->decide(spec, json::object(), false) == c.expected);
  }
  // acceptEdits approves edits, not what an MCP server does; plan mode denies it.
  tools::ToolSpec spec;
  spec.schema.name = "mcp__memory__create_entities";
  auto accept = tools::PermissionPolicy().for_agent(nullptr, "acceptEdits", "a.md");
  CHECK(accept->decide(spec, json::object(), false) == Permission::kAsk);
  auto plan = tools::PermissionPolicy().for_agent(nullptr, "plan", "a.md");
  CHECK(plan->decide(spec, json::object(), false) == Permission::kDeny);
  auto bypass = tools::PermissionPolicy().for_agent(nullptr, "bypassPermissions", "a.md");
  CHECK(bypass->decide(spec, json::object(), false) == Permission::kAllow);
  CHECK_FALSE(tools::mode_approves(tools::PermissionMode::kAcceptEdits, false, false));
}

namespace {

/// The fixture server in `mode`, as the only configured server (`srv`); counts what is built.
class FixtureSource final : public McpServerSource {
 public:
  explicit FixtureSource(std::string mode) : mode_(std::move(mode)) {}
  bool any_configured() const override { return true; }
  Result<mcpclient::ServerPool*> configured() override {
    ++built;
    if (!pool_) {
      mcpclient::ServerConfig server;
      server.name = "srv";
      server.command = "python3";
      server.args = {
          (std::filesystem::path(AGENTRY_TEST_FIXTURES) / "mcp" / "bad_server.py").string(), mode_};
      mcpclient::PoolOptions options;
      options.env = Environment::from_process();
      options.cwd = std::filesystem::current_path();
      pool_ = std::make_unique<mcpclient::ServerPool>(
          std::vector{server}, std::vector<mcpclient::ServerConfig>{}, "", std::move(options));
    }
    return pool_.get();
  }
  Result<mcpclient::ServerPool*> inline_servers(const agents::AgentDefinition&) override {
    return nullptr;
  }
  int built = 0;

 private:
  std::string mode_;
  std::unique_ptr<mcpclient::ServerPool> pool_;
};

tools::ToolRegistry mcp_test_tools() {
  auto registry =
      tools::ToolRegistry::load(std::filesystem::path(AGENTRY_SOURCE_DIR) / "tools", {});
  REQUIRE_MESSAGE(registry, (registry ? "" : registry.error().to_string()));
  return std::move(*registry);
}

/// Approves everything it is asked, and keeps what it was asked.
class RecordingApprover final : public tools::Approver {
 public:
  tools::Approval approve(const tools::ApprovalRequest& request, std::stop_token) override {
    asked.push_back(request);
    return {true, {}};
  }
  std::vector<tools::ApprovalRequest> asked;
};

}  // namespace

TEST_CASE(
    "the MCP tool host lists a server's tools for an agent and runs them through the policy") {
  auto registry = mcp_test_tools();
  RecordingApprover approver;
  RegistryToolHost own(registry, tools::PermissionPolicy(), &approver);
  FixtureSource source("changing");
  McpToolHost host(own, source, {}, nullptr);
  agentry::testing::TempDir dir("agentry-mcp-host");
  tools::ToolContext context{dir.path(), {}};

  // An agent that cannot be offered an MCP tool builds no pool.
  auto rust = mcp_agent_from("tools: [read_file, Bash]");
  auto schemas = host.schemas_for(rust);
  CHECK(source.built == 0);
  CHECK(std::none_of(schemas.begin(), schemas.end(),
                     [](const ToolSchema& s) { return s.name.starts_with("mcp__"); }));

  auto agent = mcp_agent_from("tools: [read_file, mcp__srv__*]");
  schemas = host.schemas_for(agent);
  CHECK(source.built == 1);
  REQUIRE(schemas.size() == 2);
  CHECK(schemas[0].name == "read_file");
  CHECK(schemas[1].name == "mcp__srv__work");
  CHECK(schemas[1].description == "Does some work");
  CHECK(schemas[1].parameters == json{{"type", "object"}});
  CHECK_FALSE(host.writes(ToolCall{"c0", "mcp__srv__work", json::object(), {}}));

  // Ask by default: the approver is asked, with where the tool comes from.
  auto worked = host.execute(agent, ToolCall{"c1", "mcp__srv__work", {{"n", 1}}, {}}, context);
  REQUIRE(worked);
  CHECK_FALSE(worked->is_error);
  CHECK(worked->content == "worked");
  REQUIRE(approver.asked.size() == 1);
  CHECK(approver.asked[0].tool == "mcp__srv__work");
  CHECK(approver.asked[0].origin == "MCP server `srv`, tool `work`");
  CHECK(approver.asked[0].arguments == json{{"n", 1}});

  // The call made the server list a new tool: the next request offers it too.
  schemas = host.schemas_for(agent);
  REQUIRE(schemas.size() == 3);
  CHECK(schemas[2].name == "mcp__srv__more");

  // Arguments that are not an object are the model's to fix; a tool not offered is unknown.
  auto bad = host.execute(agent, ToolCall{"c2", "mcp__srv__work", json::array(), {}}, context);
  REQUIRE(bad);
  CHECK(bad->is_error);
  auto other = mcp_agent_from("tools: [mcp__srv__more]");
  auto refused = host.execute(other, ToolCall{"c3", "mcp__srv__work", json::object(), {}}, context);
  REQUIRE(refused);
  CHECK(refused->is_error);
  CHECK(refused->content.starts_with("unknown tool 'mcp__srv__work'"));
}

TEST_CASE("the MCP tool host bounds what a hostile server's tool puts in every request") {
  auto registry = mcp_test_tools();
  RegistryToolHost own(registry, tools::PermissionPolicy(), nullptr);
  FixtureSource source("hostile");
  McpToolHost host(own, source, {}, nullptr);
  auto schemas = host.schemas_for(mcp_agent_from("tools: [mcp__srv__*]"));
  REQUIRE(schemas.size() == 1);
  CHECK(schemas[0].name == "mcp__srv__work");
  // 216,000 bytes of description and a 300 KB schema become about 2 KB in all.
  CHECK(schemas[0].description.size() < 2400);
  CHECK(schemas[0].description.find("bytes cut") != std::string::npos);
  CHECK(schemas[0].description.find("too large to send") != std::string::npos);
  CHECK(schemas[0].parameters == json{{"type", "object"}});
}

TEST_CASE("the MCP tool host: unattended, an MCP call that asks does not run, and deny refuses") {
  auto registry = mcp_test_tools();
  auto rules = tools::PermissionPolicy::from_config(json{{"mcp__srv__work", "deny"}}, "c.yaml");
  REQUIRE(rules);
  FixtureSource source("changing");
  RegistryToolHost unattended(registry, tools::PermissionPolicy(), nullptr);
  McpToolHost host(unattended, source, {}, nullptr);
  agentry::testing::TempDir dir("agentry-mcp-host");
  tools::ToolContext context{dir.path(), {}};
  auto agent = mcp_agent_from("mode: primary");
  (void)host.schemas_for(agent);
  auto asked = host.execute(agent, ToolCall{"c1", "mcp__srv__work", json::object(), {}}, context);
  REQUIRE(asked);
  CHECK(asked->is_error);
  CHECK(asked->content.find("did not run") != std::string::npos);

  RegistryToolHost denying(registry, *rules, nullptr);
  McpToolHost strict(denying, source, {}, nullptr);
  (void)strict.schemas_for(agent);
  auto denied =
      strict.execute(agent, ToolCall{"c2", "mcp__srv__work", json::object(), {}}, context);
  REQUIRE(denied);
  CHECK(denied->is_error);
  CHECK(denied->content.starts_with("permission denied: `mcp__srv__work` is not allowed"));
}

}  // namespace agentry::engine
