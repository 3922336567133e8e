// Which hooks run (app/hook_settings.hpp): the config's, a trusted project's `.claude` settings,
// and nothing of an untrusted project's (its config, its `.claude` files, its agent files), each
// ignored one named in a warning.
#include "app/hook_settings.hpp"

#include <doctest/doctest.h>

#include "app/project_trust.hpp"
#include "cli/support/logged_context.hpp"
#include "support/temp_dir.hpp"

namespace agentry::app {
namespace {

constexpr const char* kClaudeSettings = R"json({
  "permissions": {"allow": ["Bash(cargo test:*)"]},
  "hooks": {
    "PreToolUse": [{"matcher": "Edit|Write",
                    "hooks": [{"type": "command", "command": "python3 guard.py"}]}],
    "PostToolUse": [{"matcher": "Edit|Write",
                     "hooks": [{"type": "command", "command": "cargo fmt", "timeout": 30}]}]
  }
})json";

/// A user config and a project (with `.agentry/config.yaml` and `.claude/settings.json`).
struct Project : testing::LoadedProject {
  Project(const std::string& user_yaml, const std::string& project_yaml, bool trust)
      : LoadedProject(user_yaml, project_yaml, trust) {
    dir.write("project/.claude/settings.json", kClaudeSettings);
  }

  Result<HookSources> sources() {
    auto settings = read_settings(ctx);
    REQUIRE_MESSAGE(settings, (settings ? "" : settings.error().to_string()));
    return hook_sources(*settings, ctx);
  }
};

std::vector<std::string> commands(const engine::HookSet& set, engine::HookEvent event) {
  std::vector<std::string> out;
  for (const auto& group : set.of(event))
    for (const auto& command : group.commands)
      out.push_back(command.command);
  return out;
}

const std::string kUserHooks =
    "hooks:\n  Stop:\n    - hooks: [{type: command, command: notify-send done}]\n";
const std::string kProjectHooks =
    "hooks:\n  SessionStart:\n    - hooks: [{type: command, command: curl evil.example}]\n";

}  // namespace

TEST_CASE("hooks of a trusted project: its config's and its .claude/settings.json's run") {
  Project p(kUserHooks, kProjectHooks, true);
  p.dir.write(
      "project/.claude/settings.local.json",
      R"({"hooks": {"PostToolUse": [{"matcher": "Write", "hooks": [{"command": "lint"}]}]}})");
  auto sources = p.sources();
  REQUIRE_MESSAGE(sources, (sources ? "" : sources.error().to_string()));
  CHECK(commands(sources->hooks, engine::HookEvent::kStop) ==
        std::vector<std::string>{"notify-send done"});
  CHECK(commands(sources->hooks, engine::HookEvent::kSessionStart) ==
        std::vector<std::string>{"curl evil.example"});
  CHECK(commands(sources->hooks, engine::HookEvent::kPreToolUse) ==
        std::vector<std::string>{"python3 guard.py"});
  CHECK(commands(sources->hooks, engine::HookEvent::kPostToolUse) ==
        std::vector<std::string>{"cargo fmt", "lint"});
  CHECK(sources->hooks.of(engine::HookEvent::kPostToolUse)[0].commands[0].timeout ==
        std::chrono::seconds(30));
  CHECK(sources->warnings.empty());
  CHECK(p.warnings().empty());
}

TEST_CASE("hooks of an untrusted project never run, and each file that has some is named") {
  Project p(kUserHooks, kProjectHooks, false);
  auto sources = p.sources();
  REQUIRE(sources);
  CHECK(commands(sources->hooks, engine::HookEvent::kStop) ==
        std::vector<std::string>{"notify-send done"});  // the user's own
  CHECK(commands(sources->hooks, engine::HookEvent::kSessionStart).empty());
  CHECK(commands(sources->hooks, engine::HookEvent::kPreToolUse).empty());
  CHECK(commands(sources->hooks, engine::HookEvent::kPostToolUse).empty());
  auto config_warnings = p.warnings();
  REQUIRE(config_warnings.size() == 1);
  CHECK(config_warnings[0].find("project/.agentry/config.yaml:2:3: ignored `hooks`") !=
        std::string::npos);
  REQUIRE(sources->warnings.size() == 1);
  CHECK(sources->warnings[0].find(
            "project/.claude/settings.json: ignored its hooks: the project") != std::string::npos);
  CHECK(sources->warnings[0].find("--trust-project") != std::string::npos);
}

TEST_CASE("a trusted project's malformed .claude/settings.json is an error naming it") {
  Project p("{}\n", "{}\n", true);
  p.dir.write("project/.claude/settings.json",
              R"({"hooks": {"PreToolUse": [{"matcher": 7, "hooks": []}]}})");
  auto sources = p.sources();
  REQUIRE_FALSE(sources);
  CHECK(sources.error().code == ErrorCode::kConfig);
  CHECK(sources.error().where.find(".claude/settings.json: hooks") != std::string::npos);
  CHECK(sources.error().message.find("hooks.PreToolUse[0].matcher") != std::string::npos);
}

TEST_CASE("an untrusted project's agent file loses its hooks, with a warning naming the line") {
  testing::TempDir dir;
  dir.write("a.md", "---\nname: a\ndescription: x\nhooks:\n  Stop: []\n---\nbody\n");
  agents::AgentDefinition mine;
  mine.name = "mine";
  mine.scope = "user";
  mine.hooks = {{"Stop", nlohmann::json::array()}};
  agents::AgentDefinition theirs = mine;
  theirs.name = "a";
  theirs.scope = "project";
  theirs.source = dir.path() / "a.md";
  std::vector<agents::AgentDefinition> defs{mine, theirs};
  auto warnings = restrict_untrusted_agents(defs, 50, {dir.path(), dir.path() / "config.yaml"});
  CHECK_FALSE(defs[0].hooks.is_null());
  CHECK(defs[1].hooks.is_null());
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].starts_with((dir.path() / "a.md").string() + ":4: ignored `hooks`"));
}

}  // namespace agentry::app
