// What an untrusted project's config and agent files may set, table by table: every case runs
// the real loading (load_app_config: user file, project file, trust, merge) and then reads the
// result with the same parsers the commands use.
#include "app/project_trust.hpp"

#include <doctest/doctest.h>

#include "app/app_context.hpp"
#include "app/config_settings.hpp"
#include "app/mcp_settings.hpp"
#include "app/settings.hpp"
#include "cli/support/logged_context.hpp"
#include "support/temp_dir.hpp"
#include "tools/permissions.hpp"

namespace agentry::app {
namespace {

using tools::Permission;

/// load_app_config over a user and a project config written to a temporary home.
struct Loaded : testing::LoadedProject {
  using LoadedProject::LoadedProject;

  std::string project_file() const {
    return (dir.path() / "project/.agentry/config.yaml").string();
  }

  /// `count` warnings, each naming the project file and saying why.
  void check_warnings(int count) const {
    auto all = warnings();
    CHECK(all.size() == static_cast<std::size_t>(count));
    for (const auto& w : all) {
      CAPTURE(w);
      CHECK(w.starts_with(project_file() + ":"));
      CHECK(w.find("untrusted project") != std::string::npos);
    }
  }

  /// What the merged config decides for a call of `tool`.
  Permission decide(const std::string& tool, bool writes) const {
    tools::PermissionPolicy policy;
    if (const auto* section = ctx.config->find("/permissions")) {
      auto parsed = tools::PermissionPolicy::from_config(*section, "test");
      REQUIRE_MESSAGE(parsed, (parsed ? "" : parsed.error().to_string()));
      policy = *parsed;
    }
    tools::ToolSpec spec;
    spec.schema.name = tool;
    spec.writes = writes;
    return policy.decide(spec, nlohmann::json::object());
  }
};

TEST_CASE("permissions: an untrusted project's rules merge with the user's as the stricter") {
  struct Case {
    const char* what;
    const char* user;
    const char* project;
    Permission write_file;
    Permission grep;
    int warnings;
  };
  const auto allow = Permission::kAllow, ask = Permission::kAsk, deny = Permission::kDeny;
  const Case cases[] = {
      {"user deny beats project ask", "permissions: {write_file: deny}\n",
       "permissions:\n  write_file: ask\n", deny, allow, 1},
      {"the user's default rules a tool the user does not name", "permissions: {default: deny}\n",
       "permissions:\n  write_file: ask\n", deny, deny, 1},
      {"`*` is the user's default too", "permissions: {'*': deny}\n",
       "permissions:\n  default: ask\n  write_file: allow\n", deny, deny, 2},
      {"a bare `permissions:` does not wipe the user's rules",
       "permissions: {write_file: deny, default: deny}\n", "permissions:\n", deny, deny, 1},
      {"a list is not rules", "permissions: {write_file: deny}\n", "permissions: [write_file]\n",
       deny, allow, 1},
      {"a string is not rules", "permissions: {default: deny}\n", "permissions: allow\n", deny,
       deny, 1},
      {"values other than allow/ask/deny are dropped", "",
       "permissions:\n  write_file: yes\n  grep: 3\n  edit_file: {x: allow}\n", ask, allow, 3},
      {"a project default tightens the tools the user allows", "permissions: {grep: allow}\n",
       "permissions:\n  default: deny\n", deny, deny, 0},
      {"allow with no user rule falls back to agentry's default", "",
       "permissions:\n  write_file: allow\n  grep: allow\n", ask, allow, 2},
      {"a project may tighten the user's allow", "permissions: {write_file: allow}\n",
       "permissions:\n  write_file: ask\n  grep: deny\n", ask, deny, 0},
      {"a looser default is dropped, the user's stays", "permissions: {default: ask}\n",
       "permissions:\n  '*': allow\n", ask, ask, 1},
  };
  for (const auto& c : cases) {
    const std::string what = c.what;
    CAPTURE(what);
    Loaded l(c.user, c.project);
    CHECK(l.decide("write_file", true) == c.write_file);
    CHECK(l.decide("grep", false) == c.grep);
    l.check_warnings(c.warnings);
  }
}

TEST_CASE("permissions: an untrusted project cannot loosen the user's MCP server rules") {
  // The user's pattern and server rules cover the project's rules for single tools.
  Loaded patterned("permissions: {mcp__github__*: deny, mcp__memory: ask}\n",
                   "permissions:\n  mcp__github__delete_repo: ask\n  mcp__memory__x: allow\n");
  CHECK(patterned.decide("mcp__github__delete_repo", false) == Permission::kDeny);
  CHECK(patterned.decide("mcp__github__get_issue", false) == Permission::kDeny);
  CHECK(patterned.decide("mcp__memory__x", false) == Permission::kAsk);
  patterned.check_warnings(2);
  // With no user rule, a project allow is dropped: MCP tools ask.
  Loaded unset("", "permissions:\n  mcp__*: allow\n");
  CHECK(unset.decide("mcp__memory__x", false) == Permission::kAsk);
}

TEST_CASE("permissions: a trusted project replaces rules as written") {
  Loaded l("permissions: {write_file: deny}\n", "permissions:\n  write_file: allow\n", true);
  CHECK(l.decide("write_file", true) == Permission::kAllow);
  CHECK(l.warnings().empty());
}

TEST_CASE("sandbox: one parser, and a project may turn it on, never off") {
  struct Case {
    const char* what;
    const char* user;
    const char* project;
    bool on;
    int warnings;
  };
  const Case cases[] = {
      {"user on, project true", "sandbox: on\n", "sandbox: true\n", true, 0},
      {"user true means on", "sandbox: true\n", "", true, 0},
      {"user {enabled: true}", "sandbox: {enabled: true}\n", "", true, 0},
      {"user off", "sandbox: off\n", "", false, 0},
      {"user false", "sandbox: false\n", "", false, 0},
      {"user on, project off", "sandbox: on\n", "sandbox: off\n", true, 1},
      {"user on, project false", "sandbox: on\n", "sandbox: false\n", true, 1},
      {"user on, project {enabled: false}", "sandbox: on\n", "sandbox: {enabled: false}\n", true,
       1},
      {"user on, project nonsense", "sandbox: true\n", "sandbox: maybe\n", true, 1},
      {"user on, project null", "sandbox: on\n", "sandbox:\n", true, 1},
      {"project on", "", "sandbox: on\n", true, 0},
      {"project {enabled: true}", "sandbox: off\n", "sandbox: {enabled: true}\n", true, 0},
  };
  for (const auto& c : cases) {
    const std::string what = c.what;
    CAPTURE(what);
    Loaded l(c.user, c.project);
    auto settings = read_settings(l.ctx);
    REQUIRE_MESSAGE(settings, (settings ? "" : settings.error().to_string()));
    CHECK(settings->sandbox.value == c.on);
    l.check_warnings(c.warnings);
  }
}

TEST_CASE("sandbox: anything else in the user's config is an error naming file:line") {
  for (const char* value : {"maybe", "1", "[on]", "{enabled: on, extra: 1}", "{enabled: yes}"}) {
    CAPTURE(value);
    Loaded l(std::string("# user\nsandbox: ") + value + "\n", "");
    auto on = read_settings(l.ctx);
    REQUIRE_FALSE(on);
    CHECK(on.error().code == ErrorCode::kConfig);
    CHECK(on.error().where.starts_with((l.dir.path() / "config/agentry/config.yaml").string() +
                                       ":2:"));
  }
  Loaded flag("sandbox: off\n", "");
  flag.ctx.sandbox = true;  // --sandbox wins over the config's off
  CHECK(read_settings(flag.ctx)->sandbox.value);
}

TEST_CASE("limits: an untrusted project may lower them, not raise them") {
  struct Case {
    const char* what;
    const char* user;
    const char* project;
    int max_steps;
    int max_depth;
    int warnings;
  };
  const Case cases[] = {
      {"lower both", "", "max_steps: 7\nmax_depth: 1\n", 7, 1, 0},
      {"above the defaults", "", "max_steps: 500\nmax_depth: 9\n", 50, 3, 2},
      {"above the user's", "max_steps: 10\n", "max_steps: 20\n", 10, 3, 1},
      {"below the user's", "max_steps: 100\n", "max_steps: 20\n", 20, 3, 0},
      {"not a number", "", "max_steps: many\nmax_depth: [1]\n", 50, 3, 2},
      {"below the minimum", "", "max_steps: 0\nmax_depth: -1\n", 50, 3, 2},
      {"a project's null does not unset the user's", "max_steps: 12\n", "max_steps:\n", 12, 3, 1},
  };
  for (const auto& c : cases) {
    const std::string what = c.what;
    CAPTURE(what);
    Loaded l(c.user, c.project);
    CHECK(*limit_value(*l.ctx.config, limit_named("max_steps")) == c.max_steps);
    CHECK(*limit_value(*l.ctx.config, limit_named("max_depth")) == c.max_depth);
    l.check_warnings(c.warnings);
  }
  Loaded trusted("max_steps: 10\n", "max_steps: 500\n", true);
  CHECK(*limit_value(*trusted.ctx.config, limit_named("max_steps")) == 500);
  Loaded bad_user("max_steps: lots\n", "");
  CHECK_FALSE(limit_value(*bad_user.ctx.config, limit_named("max_steps")));
}

TEST_CASE(
    "api_key_env: an untrusted project names nothing, and a variable tools need is never one") {
  const std::string project =
      "providers:\n"
      "  p1: {kind: openai, base_url: 'http://127.0.0.1:1/v1', api_key_env: PATH}\n"
      "  p2: {kind: openai, base_url: 'http://127.0.0.1:1/v1', api_key_env: TEAM_LLM_PASS}\n"
      "  p3: {kind: openai, base_url: 'http://127.0.0.1:1/v1', api_key_env: CARGO_HOME}\n";
  for (bool trust : {false, true}) {
    CAPTURE(trust);
    Loaded l("providers:\n  mine: {kind: openai, api_key_env: HOME}\n", project, trust);
    for (const char* name : {"PATH", "HOME", "CARGO_HOME"}) {
      CAPTURE(name);
      CHECK_FALSE(l.ctx.env.is_secret(name));
    }
    CHECK(l.ctx.env.is_secret("TEAM_LLM_PASS") == trust);
    // The user's own `api_key_env: HOME` (and a trusted project's PATH) get a warning.
    bool warned_home =
        l.logged.str().find("`api_key_env: HOME` names a variable tools need") != std::string::npos;
    CHECK(warned_home);
  }
}

TEST_CASE("agent files of an untrusted project may tighten their calls, not loosen them") {
  testing::TempDir dir;
  dir.write("a.md",
            "---\nname: a\ndescription: x\npermissionMode: bypassPermissions\n"
            "permission:\n  edit: allow\n  bash: {'cargo test*': allow, '*': ask}\n"
            "  read: deny\nsteps: 900\n---\nbody\n");
  auto agent = [&](std::string scope, nlohmann::json permission, std::string mode,
                   std::optional<int> steps) {
    agents::AgentDefinition def;
    def.name = "a";
    def.source = dir.path() / "a.md";
    def.scope = std::move(scope);
    def.permission = std::move(permission);
    def.extra = nlohmann::json::object();
    if (!mode.empty()) def.extra["permissionMode"] = mode;
    def.max_steps = steps;
    return def;
  };
  const nlohmann::json rules = {
      {"edit", "allow"}, {"bash", {{"cargo test*", "allow"}, {"*", "ask"}}}, {"read", "deny"}};
  std::vector<agents::AgentDefinition> defs = {
      agent("project", rules, "bypassPermissions", 900),
      agent("project", "allow", "acceptEdits", 10),
      agent("project", nlohmann::json::object(), "dontAsk", std::nullopt),
      agent("project", nlohmann::json(nullptr), "plan", std::nullopt),
      agent("user", rules, "bypassPermissions", 900),
      agent("builtin", "allow", "acceptEdits", std::nullopt),
  };
  TrustAdvice advice{dir.path(), dir.path() / "config.yaml"};
  auto warnings = restrict_untrusted_agents(defs, 50, advice);

  CHECK_FALSE(defs[0].extra.contains("permissionMode"));
  CHECK(defs[0].permission == nlohmann::json({{"bash", {{"*", "ask"}}}, {"read", "deny"}}));
  CHECK_FALSE(defs[0].max_steps);
  CHECK(defs[1].permission.is_null());
  CHECK_FALSE(defs[1].extra.contains("permissionMode"));
  CHECK(defs[1].max_steps == 10);
  CHECK(defs[2].extra["permissionMode"] == "dontAsk");  // it only tightens
  CHECK(defs[3].extra["permissionMode"] == "plan");
  CHECK(defs[4].extra["permissionMode"] == "bypassPermissions");  // the user's own
  CHECK(defs[4].permission == rules);
  CHECK(defs[5].permission == "allow");

  REQUIRE(warnings.size() == 5);
  const auto file = (dir.path() / "a.md").string();
  CHECK(warnings[0].starts_with(file + ":4: ignored `permissionMode: bypassPermissions`"));
  CHECK(warnings[1].starts_with(file + ":5: ignored the `permission` rules that allow"));
  CHECK(warnings[2].starts_with(file + ":9: ignored `steps: 900`"));

  // The policy built from what is left never allows what the defaults ask.
  tools::ToolSpec write;
  write.schema.name = "write_file";
  write.writes = true;
  auto policy = tools::PermissionPolicy().for_agent(
      defs[0].permission, defs[0].extra.value("permissionMode", ""), file);
  REQUIRE(policy);
  CHECK(policy->decide(write, nlohmann::json::object()) == Permission::kAsk);
}

}  // namespace
TEST_CASE("an untrusted agent's permissionMode that does not parse is dropped, not kept") {
  testing::TempDir dir;
  dir.write("a.md", "---\nname: a\ndescription: x\npermissionMode: 3\n---\nbody\n");
  std::vector<agents::AgentDefinition> defs(3);
  const std::vector<nlohmann::json> modes = {3, "yolo", "PLAN"};
  for (std::size_t i = 0; i < defs.size(); ++i) {
    defs[i].name = "a";
    defs[i].source = dir.path() / "a.md";
    defs[i].scope = "project";
    defs[i].extra = {{"permissionMode", modes[i]}};
  }
  auto warnings =
      restrict_untrusted_agents(defs, 50, TrustAdvice{dir.path(), dir.path() / "config.yaml"});
  CHECK_FALSE(defs[0].extra.contains("permissionMode"));
  CHECK_FALSE(defs[1].extra.contains("permissionMode"));
  CHECK(defs[2].extra["permissionMode"] == "PLAN");  // plan only tightens
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].find("ignored `permissionMode: 3`") != std::string::npos);
  CHECK(warnings[1].find("ignored `permissionMode: yolo`") != std::string::npos);
}

}  // namespace agentry::app

namespace agentry::app {

TEST_CASE("mcp_servers: an untrusted project's are dropped with a warning, a trusted one's kept") {
  const std::string project = "mcp_servers:\n  proj: {command: python3, args: [evil.py]}\n";
  for (bool trust : {false, true}) {
    CAPTURE(trust);
    Loaded l("mcp_servers:\n  mine: {command: node, args: [mine.js]}\n", project, trust);
    auto settings = read_settings(l.ctx);
    REQUIRE(settings);
    std::vector<std::string> names;
    for (const auto& server : settings->mcp_servers)
      names.push_back(server.name);
    CHECK(names ==
          (trust ? std::vector<std::string>{"mine", "proj"} : std::vector<std::string>{"mine"}));
    if (!trust) {
      l.check_warnings(1);
      CHECK(l.warnings().front().find("`mcp_servers`") != std::string::npos);
    }
  }
}

TEST_CASE("mcp_servers: .mcp.json applies to a trusted project only, and the config wins a name") {
  for (bool trust : {false, true}) {
    CAPTURE(trust);
    Loaded l("mcp_servers:\n  both: {command: node}\n", "{}\n", trust);
    l.dir.write("project/.mcp.json",
                R"({"mcpServers": {"both": {"command": "python3"},
                    "web": {"type": "http", "url": "http://127.0.0.1:9/mcp",
                            "headers": {"Authorization": "Bearer ${NO_SUCH_VAR:-none}"}}}})");
    auto settings = read_settings(l.ctx);
    REQUIRE(settings);
    auto servers = mcp_servers(*settings, l.ctx);
    REQUIRE_MESSAGE(servers, (servers ? "" : servers.error().to_string()));
    REQUIRE(servers->servers.size() == (trust ? 2u : 1u));
    CHECK(servers->servers[0].command == "node");
    if (trust) {
      CHECK(servers->servers[1].url == "http://127.0.0.1:9/mcp");
      CHECK(servers->servers[1].headers.front().second == "Bearer none");
      CHECK(servers->blocked.empty());
    } else {
      REQUIRE(servers->blocked.size() == 1);
      CHECK(servers->blocked[0].name == "web");
      CHECK(servers->blocked_reason.find("is not trusted") != std::string::npos);
      CHECK(servers->blocked_reason.find("(web)") != std::string::npos);
    }
  }
  Loaded bad("{}\n", "{}\n", true);
  bad.dir.write("project/.mcp.json", R"({"mcpServers": {"x": {"command": ["no"]}}})");
  auto settings = read_settings(bad.ctx);
  REQUIRE(settings);
  auto servers = mcp_servers(*settings, bad.ctx);
  REQUIRE_FALSE(servers);
  CHECK(servers.error().where.find(".mcp.json: mcpServers.x.command") != std::string::npos);
}

}  // namespace agentry::app
