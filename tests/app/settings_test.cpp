// The typed settings, table by table: every case runs the real loading (load_app_config: user
// file, project file, trust, merge) and then read_settings, as every command does.
#include "app/settings.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "cli/support/logged_context.hpp"
#include "support/temp_dir.hpp"

namespace agentry::app {
namespace {

/// load_app_config over a user and a project config in a temporary home.
struct SettingsHome : testing::LoggedContext {
  testing::TempDir dir;

  SettingsHome(const std::string& user_yaml, const std::string& project_yaml = "",
               bool trust = false) {
    dir.write("config/agentry/config.yaml", user_yaml);
    if (!project_yaml.empty()) dir.write("project/.agentry/config.yaml", project_yaml);
    std::filesystem::create_directories(dir.path() / "project");
    ctx.env.set("XDG_CONFIG_HOME", (dir.path() / "config").string());
    ctx.env.set("XDG_DATA_HOME", (dir.path() / "data").string());
    ctx.env.set("HOME", dir.path().string());
    ctx.cwd = dir.path() / "project";
    ctx.trust_project = trust;
    load_app_config(ctx);
    REQUIRE_MESSAGE(ctx.config, (ctx.config ? "" : ctx.config.error().to_string()));
  }

  std::string user_file() const { return (dir.path() / "config/agentry/config.yaml").string(); }
  std::string project_file() const {
    return (dir.path() / "project/.agentry/config.yaml").string();
  }

  Settings read() const {
    auto settings = read_settings(ctx);
    REQUIRE_MESSAGE(settings, (settings ? "" : settings.error().to_string()));
    return *settings;
  }
};

TEST_CASE("settings: sandbox takes on, off, true, false and {enabled: BOOL}, with its origin") {
  struct Case {
    const char* what;
    const char* user;
    const char* project;
    bool flag;
    bool on;
    const char* origin;  ///< "user", "project", "default" or "--sandbox"
  };
  const Case cases[] = {
      {"unset", "", "", false, false, "default"},
      {"null", "sandbox:\n", "", false, false, "default"},
      {"on", "sandbox: on\n", "", false, true, "user"},
      {"off", "sandbox: off\n", "", false, false, "user"},
      {"true", "sandbox: true\n", "", false, true, "user"},
      {"false", "sandbox: false\n", "", false, false, "user"},
      {"{enabled: true}", "sandbox: {enabled: true}\n", "", false, true, "user"},
      {"{enabled: false}", "sandbox: {enabled: false}\n", "", false, false, "user"},
      {"--sandbox over off", "sandbox: off\n", "", true, true, "--sandbox"},
      {"--sandbox alone", "", "", true, true, "--sandbox"},
      {"an untrusted project turns it on", "sandbox: off\n", "sandbox: true\n", false, true,
       "project"},
      {"an untrusted project cannot turn it off", "sandbox: true\n", "sandbox: false\n", false,
       true, "user"},
  };
  for (const auto& c : cases) {
    const std::string what = c.what;
    CAPTURE(what);
    SettingsHome l(c.user, c.project);
    l.ctx.sandbox = c.flag;
    auto s = l.read();
    CHECK(s.sandbox.value == c.on);
    const std::string origin = c.origin;
    if (origin == "user") {
      CHECK(s.sandbox.origin.starts_with(l.user_file() + ":1:"));
    } else if (origin == "project") {
      CHECK(s.sandbox.origin.starts_with(l.project_file() + ":1:"));
    } else {
      CHECK(s.sandbox.origin == origin);
    }
  }
}

TEST_CASE("settings: a value of the wrong type is a config error naming file:line") {
  struct Case {
    const char* yaml;  ///< the second line of the user's config
    const char* key;
    const char* expected;  ///< part of what the error says to write
  };
  const Case cases[] = {
      {"sandbox: maybe", "sandbox", "sandbox: on"},
      {"sandbox: 1", "sandbox", "sandbox: on"},
      {"sandbox: [on]", "sandbox", "sandbox: on"},
      {"sandbox: {enabled: yes}", "sandbox", "sandbox: on"},
      {"sandbox: {enabled: true, extra: 1}", "sandbox", "sandbox: on"},
      {"max_steps: lots", "max_steps", "whole number"},
      {"max_steps: 0", "max_steps", "whole number"},
      {"max_steps: 2.5", "max_steps", "whole number"},
      {"max_depth: -1", "max_depth", "whole number"},
      {"max_depth: [3]", "max_depth", "whole number"},
      {"cargo_target_dir: 5", "cargo_target_dir", "directory"},
      {"cargo_target_dir: ''", "cargo_target_dir", "directory"},
      {"cargo_target_dir: {path: /tmp}", "cargo_target_dir", "directory"},
      {"check_after_edit: maybe", "check_after_edit", "check_after_edit: on"},
      {"check_after_edit: 1", "check_after_edit", "check_after_edit: on"},
      {"check_after_edit_budget: 0", "check_after_edit_budget", "seconds"},
      {"check_after_edit_budget: soon", "check_after_edit_budget", "seconds"},
      {"tool_search: sometimes", "tool_search", "tool_search: auto"},
      {"tool_search: true", "tool_search", "tool_search: auto"},
      {"tool_search_max_tools: 0", "tool_search_max_tools", "whole number"},
      {"tool_search_max_tokens: many", "tool_search_max_tokens", "whole number"},
      {"default_agent: [a]", "default_agent", "agent's name"},
      {"default_agent: 7", "default_agent", "agent's name"},
      {"default_agent: true", "default_agent", "agent's name"},
      {"permissions: [allow]", "permissions", "allow, ask or deny"},
      {"permissions: {grep: sometimes}", "`grep`", "allow, ask or deny"},
      {"trusted_projects: /home/u/src", "trusted_projects", "list of project folders"},
      {"trusted_projects: [1, 2]", "trusted_projects", "list of project folders"},
  };
  for (const auto& c : cases) {
    const std::string yaml = c.yaml;
    CAPTURE(yaml);
    SettingsHome l("# the user's config\n" + yaml + "\n");
    auto s = read_settings(l.ctx);
    REQUIRE_FALSE(s);
    const auto& error = s.error();
    CAPTURE(error.to_string());
    CHECK(error.code == ErrorCode::kConfig);
    CHECK(error.where.starts_with(l.user_file() + ":2:"));
    CHECK(error.to_string().find(c.key) != std::string::npos);
    CHECK(error.to_string().find(c.expected) != std::string::npos);
  }
}

TEST_CASE("settings: every value with where it was set, and agentry's defaults otherwise") {
  SettingsHome defaults("");
  auto d = defaults.read();
  const engine::EngineLimits engine_defaults;
  CHECK(d.max_steps.value == engine_defaults.max_steps);
  CHECK(d.max_depth.value == engine_defaults.max_depth);
  CHECK(d.default_agent.value == engine_defaults.default_agent);
  CHECK_FALSE(d.cargo_target_dir.value);
  for (const auto* origin :
       {&d.max_steps.origin, &d.max_depth.origin, &d.default_agent.origin,
        &d.cargo_target_dir.origin, &d.permissions.origin, &d.session_db.origin})
    CHECK(*origin == "default");
  CHECK(d.session_db.value == defaults.dir.path() / "data/agentry/sessions.db");

  SettingsHome l(
      "max_steps: 12\n"
      "max_depth: 1\n"
      "default_agent: rust-pro\n"
      "cargo_target_dir: ~/cache/target\n"
      "permissions: {cargo_test: deny}\n");
  l.ctx.session_db = l.dir.path() / "mine.db";
  auto s = l.read();
  CHECK(s.max_steps.value == 12);
  CHECK(s.max_steps.origin == l.user_file() + ":1:12");
  CHECK(s.max_depth.value == 1);
  CHECK(s.max_depth.origin.starts_with(l.user_file() + ":2:"));
  CHECK(s.default_agent.value == "rust-pro");
  CHECK(s.default_agent.origin.starts_with(l.user_file() + ":3:"));
  REQUIRE(s.cargo_target_dir.value);
  CHECK(*s.cargo_target_dir.value == l.dir.path() / "cache/target");  // ~ is $HOME
  CHECK(s.cargo_target_dir.origin.starts_with(l.user_file() + ":4:"));
  CHECK(s.permissions.origin.starts_with(l.user_file() + ":5:"));
  tools::ToolSpec spec;
  spec.schema.name = "cargo_test";
  CHECK(s.permissions.value.decide(spec, nlohmann::json::object()) == tools::Permission::kDeny);
  CHECK(s.session_db.value == l.dir.path() / "mine.db");
  CHECK(s.session_db.origin == "--session-db");
  auto limits = s.engine_limits();
  CHECK(limits.max_steps == 12);
  CHECK(limits.max_depth == 1);
  CHECK(limits.default_agent == "rust-pro");
}

TEST_CASE(
    "settings: check_after_edit is on or off (default off), its budget seconds (default 20)") {
  SettingsHome defaults("");
  auto d = defaults.read();
  CHECK_FALSE(d.check_after_edit.value);
  CHECK_FALSE(d.engine_limits().check_after_edit);
  CHECK(d.check_after_edit_budget.value == std::chrono::seconds(20));
  for (const char* on : {"on", "true"}) {
    SettingsHome h(fmt::format("check_after_edit: {}\ncheck_after_edit_budget: 2.5\n", on));
    auto s = h.read();
    CHECK(s.check_after_edit.value);
    CHECK(s.check_after_edit.origin.starts_with(h.user_file() + ":1:"));
    CHECK(s.engine_limits().check_after_edit);
    CHECK(s.check_after_edit_budget.value == std::chrono::milliseconds(2500));
  }
  SettingsHome off("check_after_edit: off\n");
  CHECK_FALSE(off.read().check_after_edit.value);
}

TEST_CASE(
    "settings: tool_search is auto, always or never, with budgets of 40 tools and 10000 "
    "tokens by default") {
  SettingsHome defaults("");
  auto d = defaults.read().engine_limits().tool_search;
  CHECK(d.mode == engine::ToolSearchMode::kAuto);
  CHECK(d.max_tools == 40);
  CHECK(d.max_tokens == 10000);
  SettingsHome h("tool_search: always\ntool_search_max_tools: 12\ntool_search_max_tokens: 3000\n");
  auto s = h.read();
  CHECK(s.tool_search.origin.starts_with(h.user_file() + ":1:"));
  auto set = s.engine_limits().tool_search;
  CHECK(set.mode == engine::ToolSearchMode::kAlways);
  CHECK(set.max_tools == 12);
  CHECK(set.max_tokens == 3000);
  SettingsHome never("tool_search: never\n");
  CHECK(never.read().engine_limits().tool_search.mode == engine::ToolSearchMode::kNever);
}

TEST_CASE("settings: what an untrusted project sets is read after the trust rules applied") {
  struct Case {
    const char* what;
    const char* user;
    const char* project;
    bool trust;
    int max_steps;
    bool target_set;
    const char* default_agent;
  };
  const Case cases[] = {
      {"lowers a limit", "max_steps: 40\n", "max_steps: 10\n", false, 10, false, "orchestrator"},
      {"cannot raise one", "max_steps: 40\n", "max_steps: 400\n", false, 40, false, "orchestrator"},
      {"a wrong one is dropped, not an error", "", "max_steps: lots\n", false, 50, false,
       "orchestrator"},
      {"cannot set cargo_target_dir", "", "cargo_target_dir: /etc\n", false, 50, false,
       "orchestrator"},
      {"may choose the default agent", "", "default_agent: rust-pro\n", false, 50, false,
       "rust-pro"},
      {"trusted: applies in full", "max_steps: 40\n", "max_steps: 400\ncargo_target_dir: /tmp/t\n",
       true, 400, true, "orchestrator"},
  };
  for (const auto& c : cases) {
    const std::string what = c.what;
    CAPTURE(what);
    SettingsHome l(c.user, c.project, c.trust);
    auto s = l.read();
    CHECK(s.max_steps.value == c.max_steps);
    CHECK(s.cargo_target_dir.value.has_value() == c.target_set);
    CHECK(s.default_agent.value == c.default_agent);
  }
  // A wrong value the project may set is the project's error, with its file:line.
  SettingsHome wrong("", "default_agent: [a, b]\n");
  auto s = read_settings(wrong.ctx);
  REQUIRE_FALSE(s);
  CHECK(s.error().where.starts_with(wrong.project_file() + ":1:"));
}

TEST_CASE("settings: a config that did not load is that error") {
  testing::TempDir dir;
  dir.write("config/agentry/config.yaml", "providers: [not, closed\n");
  AppContext ctx;
  ctx.env.set("XDG_CONFIG_HOME", (dir.path() / "config").string());
  ctx.cwd = dir.path();
  load_app_config(ctx);
  auto s = read_settings(ctx);
  REQUIRE_FALSE(s);
  CHECK(s.error().to_string().find("config.yaml") != std::string::npos);
}

}  // namespace
}  // namespace agentry::app
