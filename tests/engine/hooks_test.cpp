// Hooks in the agent loop (engine/hooks.hpp): which hooks a matcher selects, the JSON a command
// reads on stdin, and what its exit code and stdout make the engine do. Commands run through a
// fake runner here; tests/app/shell_hook_runner_test.cpp runs real ones.
#include <map>
#include <mutex>

#include <doctest/doctest.h>

#include "engine/engine.hpp"
#include "engine/fakes.hpp"
#include "engine/hook_tools.hpp"
#include "engine/rig.hpp"

namespace agentry::engine {

using nlohmann::json;
using testing::agent;
using testing::call;
using testing::Rig;

namespace {

/// Answers each command as scripted (exit 0, no output otherwise) and records what it read.
class FakeHookRunner final : public HookCommandRunner {
 public:
  Result<HookProcessResult> run(const HookCommand& hook, const std::string& input,
                                const std::filesystem::path&, std::stop_token) override {
    std::lock_guard lock(mutex_);
    inputs.push_back(json::parse(input));
    commands.push_back(hook.command);
    auto it = answers.find(hook.command);
    return it != answers.end() ? it->second : HookProcessResult{0, false, "", ""};
  }
  std::vector<json> of(const std::string& event) {
    std::vector<json> out;
    for (const auto& i : inputs)
      if (i["hook_event_name"] == event) out.push_back(i);
    return out;
  }
  std::mutex mutex_;
  std::map<std::string, HookProcessResult> answers;
  std::vector<json> inputs;
  std::vector<std::string> commands;
};

HookSet hooks_of(const json& doc) {
  auto parsed = parse_hooks(doc, "test");
  REQUIRE_MESSAGE(parsed, (parsed ? "" : parsed.error().to_string()));
  return parsed->hooks;
}

json group(std::string matcher, std::vector<std::string> commands) {
  json hooks = json::array();
  for (auto& c : commands)
    hooks.push_back({{"type", "command"}, {"command", c}});
  return {{"matcher", matcher}, {"hooks", hooks}};
}

/// A rig with hooks wired in; the workspace is /ws (the fake tools never touch it).
struct HookRig {
  Rig rig;
  FakeHookRunner runner;
  std::unique_ptr<Hooks> hooks;
  std::vector<tools::ToolContext> contexts;

  explicit HookRig(const json& config) {
    hooks = std::make_unique<Hooks>(hooks_of(config), runner, rig.log);
    rig.catalog.add(agent("writer", agents::AgentMode::kPrimary));
    rig.tools.handler = [this](const ToolCall& c,
                               const tools::ToolContext& context) -> Result<ToolResult> {
      contexts.push_back(context);
      return ToolResult{c.id, c.name, "ran " + c.id, c.id.starts_with("bad")};
    };
  }
  Result<RunResult> run(std::string task = "edit", std::string session = "") {
    rig.make().set_hooks(hooks.get());
    RunRequest r;
    r.agent = "writer";
    r.task = std::move(task);
    r.resume_session = std::move(session);
    r.cwd = "/ws";
    return rig.engine->run(r, {});
  }
  /// The tool results the model read in request `n`.
  std::vector<ToolResult> results(std::size_t n) {
    auto requests = rig.provider->requests();
    for (const auto& m : requests.at(n).messages)
      if (!m.tool_results.empty()) return m.tool_results;
    return {};
  }
};

}  // namespace

TEST_CASE(
    "hook matchers: exact names and lists, regexes unanchored, Claude Code and agentry names") {
  CHECK(hook_matcher_selects_tool("Edit|Write", "edit_file"));
  CHECK(hook_matcher_selects_tool("Edit|Write", "write_file"));
  CHECK_FALSE(hook_matcher_selects_tool("Edit|Write", "read_file"));
  CHECK(hook_matcher_selects_tool("edit_file", "edit_file"));
  CHECK(hook_matcher_selects_tool("Bash", "bash"));
  CHECK(hook_matcher_selects_tool("Read", "read_file"));
  CHECK(hook_matcher_selects_tool("Grep, Glob", "glob"));
  CHECK(hook_matcher_selects_tool("", "cargo_check"));
  CHECK(hook_matcher_selects_tool("*", "cargo_check"));
  // A plain name is exact: Write is not TodoWrite, Bash not BashOutput.
  CHECK_FALSE(hook_matcher_selects("Write", "TodoWrite"));
  CHECK_FALSE(hook_matcher_selects("Bash", "BashOutput"));
  // Anything else is a regex, unanchored.
  CHECK(hook_matcher_selects_tool("mcp__github__.*", "mcp__github__create_issue"));
  CHECK_FALSE(hook_matcher_selects_tool("mcp__github__.*", "mcp__memory__read"));
  CHECK(hook_matcher_selects_tool("cargo_.*", "cargo_test"));
  CHECK(hook_matcher_selects_tool("^Ed", "edit_file"));
  CHECK_FALSE(hook_matcher_selects_tool("^Ed", "write_file"));
  CHECK_FALSE(hook_matcher_selects_tool("(", "edit_file"));  // does not compile: nothing
  CHECK(claude_tool_name("edit_file") == "Edit");
  CHECK(claude_tool_name("cargo_check") == "cargo_check");
}

TEST_CASE("tool_input uses Claude Code's keys, and updatedInput comes back in agentry's") {
  auto input = claude_tool_input(
      "edit_file", {{"path", "src/lib.rs"}, {"old_string", "a"}, {"new_string", "b"}}, "/ws");
  CHECK(input == json{{"file_path", "/ws/src/lib.rs"}, {"old_string", "a"}, {"new_string", "b"}});
  CHECK(claude_tool_input("bash", {{"command", "ls"}, {"timeout", 5}}, "/ws") ==
        json{{"command", "ls"}, {"timeout", 5000}});
  CHECK(agentry_tool_input("write_file", {{"file_path", "/ws/src/a.rs"}, {"content", "x"}},
                           "/ws") == json{{"path", "src/a.rs"}, {"content", "x"}});
  CHECK(agentry_tool_input("write_file", {{"file_path", "/elsewhere/a.rs"}}, "/ws") ==
        json{{"path", "/elsewhere/a.rs"}});
}

TEST_CASE("parse_hooks reads Claude Code's shape, warns on what agentry cannot run") {
  auto parsed = parse_hooks(json::parse(R"({"PreToolUse": [{"matcher": "Edit|Write", "hooks": [
          {"type": "command", "command": "guard", "timeout": 5},
          {"type": "prompt", "prompt": "is it ok?"}]}],
        "Notification": [{"hooks": [{"type": "command", "command": "notify"}]}],
        "Stop": [{"hooks": [{"command": "check"}]}]})"),
                            "settings.json: hooks");
  REQUIRE(parsed);
  const auto& pre = parsed->hooks.of(HookEvent::kPreToolUse);
  REQUIRE(pre.size() == 1);
  CHECK(pre[0].matcher == "Edit|Write");
  REQUIRE(pre[0].commands.size() == 1);
  CHECK(pre[0].commands[0].timeout == std::chrono::seconds(5));
  REQUIRE(parsed->hooks.of(HookEvent::kStop).size() == 1);
  CHECK(parsed->hooks.of(HookEvent::kStop)[0].commands[0].timeout == std::chrono::seconds(60));
  REQUIRE(parsed->warnings.size() == 2);
  CHECK(parsed->warnings[0].find("settings.json: hooks: ignored the `Notification` hooks") == 0);
  CHECK(parsed->warnings[1].find("its type is `prompt`") != std::string::npos);

  auto bad = parse_hooks(json::parse(R"({"PostToolUse": [{"hooks": [{"command": 5}]}]})"), "f");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::kConfig);
  CHECK(bad.error().message.find("hooks.PostToolUse[0].hooks[0].command") != std::string::npos);
  CHECK_FALSE(parse_hooks(json::parse(R"({"Stop": {"hooks": []}})"), "f"));
  CHECK_FALSE(
      parse_hooks(json::parse(R"({"Stop": [{"hooks": [{"command": "x", "timeout": 0}]}]})"), "f"));
  CHECK(parse_hooks(json::parse(R"({"Stop": [{"hooks": [{"type": 3, "command": "x"}]}]})"), "f"));
}

TEST_CASE("PreToolUse exit 2 refuses the call: it never runs and the model reads stderr") {
  HookRig t(json{{"PreToolUse", {group("Edit|Write", {"guard"})}}});
  t.runner.answers["guard"] = {2, false, "", "Cargo.lock is generated: do not edit it\n"};
  t.rig.provider->push_calls(
      {call("c1", "edit_file", {{"path", "Cargo.lock"}, {"old_string", "a"}, {"new_string", "b"}}),
       call("c2", "read_file", {{"path", "src/lib.rs"}})});
  t.rig.provider->push_text("done");
  REQUIRE(t.run());
  // The read is not an edit: the matcher leaves it alone.
  REQUIRE(t.rig.tools.calls.size() == 1);
  CHECK(t.rig.tools.calls[0].id == "c2");
  auto results = t.results(1);
  REQUIRE(results.size() == 2);
  CHECK(results[0].is_error);
  CHECK(results[0].content ==
        "blocked by a PreToolUse hook: Cargo.lock is generated: do not edit it");
  auto input = t.runner.of("PreToolUse").at(0);
  CHECK(input["tool_name"] == "Edit");
  CHECK(input["tool_input"] ==
        json{{"file_path", "/ws/Cargo.lock"}, {"old_string", "a"}, {"new_string", "b"}});
  CHECK(input["tool_use_id"] == "c1");
  CHECK(input["cwd"] == "/ws");
  CHECK_FALSE(input["session_id"].get<std::string>().empty());
  auto ran = t.rig.events.of<HookRan>();
  REQUIRE(ran.size() == 1);
  CHECK(ran[0].event == "PreToolUse");
  CHECK(ran[0].exit_code == 2);
  CHECK(ran[0].blocked);
}

TEST_CASE("PreToolUse JSON: deny with its reason, allow and ask reach the permission check") {
  HookRig t(json{{"PreToolUse",
                  {group("Write", {"deny"}), group("Read", {"allow"}), group("Grep", {"ask"})}}});
  auto decide = [](const char* decision, const char* reason) {
    return HookProcessResult{0, false,
                             json{{"hookSpecificOutput",
                                   {{"hookEventName", "PreToolUse"},
                                    {"permissionDecision", decision},
                                    {"permissionDecisionReason", reason}}}}
                                 .dump(),
                             ""};
  };
  t.runner.answers["deny"] = decide("deny", "writes go through the formatter");
  t.runner.answers["allow"] = decide("allow", "reads are fine");
  t.runner.answers["ask"] = decide("ask", "grep may be slow");
  t.rig.provider->push_calls({call("w", "write_file", {{"path", "a.rs"}, {"content", ""}})});
  t.rig.provider->push_calls({call("r", "read_file", {{"path", "a.rs"}})});
  t.rig.provider->push_calls({call("g", "grep", {{"pattern", "x"}})});
  t.rig.provider->push_text("done");
  REQUIRE(t.run());
  CHECK(t.results(1).at(0).content ==
        "blocked by a PreToolUse hook: writes go through the formatter");
  REQUIRE(t.contexts.size() == 2);
  CHECK(t.contexts[0].hook_permission == tools::Permission::kAllow);
  CHECK(t.contexts[1].hook_permission == tools::Permission::kAsk);
}

TEST_CASE("PreToolUse updatedInput changes the call that runs") {
  HookRig t(json{{"PreToolUse", {group("Bash", {"rewrite"})}}});
  t.runner.answers["rewrite"] = {
      0, false,
      R"({"hookSpecificOutput": {"hookEventName": "PreToolUse", "updatedInput": {"command": "ls -la", "timeout": 3000}}})",
      ""};
  t.rig.provider->push_calls({call("b", "bash", {{"command", "ls"}})});
  t.rig.provider->push_text("done");
  REQUIRE(t.run());
  REQUIRE(t.rig.tools.calls.size() == 1);
  CHECK(t.rig.tools.calls[0].arguments == json{{"command", "ls -la"}, {"timeout", 3}});
}

TEST_CASE(
    "PostToolUse: exit 2 and decision block reach the model after the result, only for calls that "
    "succeeded") {
  HookRig t(json{{"PostToolUse", {group("Edit|Write", {"fmt", "lint"})}}});
  t.runner.answers["fmt"] = {2, false, "", "rustfmt: line 3 is too long"};
  t.runner.answers["lint"] = {
      0, false,
      R"({"decision": "block", "reason": "run the tests", "hookSpecificOutput": {"hookEventName": "PostToolUse", "additionalContext": "crate is a library"}})",
      ""};
  t.rig.provider->push_calls(
      {call("e1", "edit_file", {{"path", "a.rs"}}), call("bad", "write_file", {{"path", "b.rs"}})});
  t.rig.provider->push_text("done");
  REQUIRE(t.run());
  auto results = t.results(1);
  REQUIRE(results.size() == 2);
  CHECK(results[0].content ==
        "ran e1\n\n<hook-feedback>\nrustfmt: line 3 is too long\nrun the tests\n</hook-feedback>"
        "\n\n<hook-feedback>\ncrate is a library\n</hook-feedback>");
  CHECK(results[1].content == "ran bad");
  auto posts = t.runner.of("PostToolUse");
  REQUIRE(posts.size() == 2);  // fmt and lint, for e1 only
  CHECK(posts[0]["tool_name"] == "Edit");
  CHECK(posts[0]["tool_response"] == json{{"success", true}, {"content", "ran e1"}});
}

TEST_CASE("a hook that exits 1 or times out is a warning: the run goes on") {
  HookRig t(json{{"PreToolUse", {group("", {"broken", "slow"})}}});
  t.runner.answers["broken"] = {1, false, "", "oops"};
  t.runner.answers["slow"] = {-1, true, "", ""};
  t.rig.provider->push_calls({call("r", "read_file", {{"path", "a"}})});
  t.rig.provider->push_text("done");
  REQUIRE(t.run());
  CHECK(t.rig.tools.calls.size() == 1);
  CHECK(t.results(1).at(0).content == "ran r");
}

TEST_CASE(
    "UserPromptSubmit: exit 2 blocks the prompt before the model sees it, stdout is context") {
  SUBCASE("blocked") {
    HookRig t(json{{"UserPromptSubmit", {group("", {"no-secrets"})}}});
    t.runner.answers["no-secrets"] = {2, false, "", "the prompt holds a password"};
    auto run = t.run("my password is hunter2");
    REQUIRE_FALSE(run);
    CHECK(run.error().message ==
          "a UserPromptSubmit hook blocked the prompt: the prompt holds a password");
    CHECK(t.rig.provider->requests().empty());
    CHECK(t.runner.of("UserPromptSubmit").at(0)["prompt"] == "my password is hunter2");
  }
  SUBCASE("context") {
    HookRig t(json{{"UserPromptSubmit", {group("", {"date"})}},
                   {"SessionStart", {group("startup", {"branch"}), group("resume", {"never"})}}});
    t.runner.answers["date"] = {0, false, "today is Sunday\n", ""};
    t.runner.answers["branch"] = {0, false, "on branch main\n", ""};
    t.rig.provider->push_text("done");
    REQUIRE(t.run("hello"));
    CHECK(t.rig.provider->requests().at(0).messages.at(0).text ==
          "hello\n\n<hook-context>\non branch main\n</hook-context>\n\n<hook-context>\ntoday is "
          "Sunday\n</hook-context>");
    CHECK(t.runner.of("SessionStart").at(0)["source"] == "startup");
  }
}

TEST_CASE("Stop exit 2 makes the agent go on with stderr, with stop_hook_active the second time") {
  HookRig t(json{{"Stop", {group("", {"tests-pass"})}}});
  t.runner.answers["tests-pass"] = {2, false, "", "the tests fail: fix them"};
  t.rig.provider->push_text("I am done");
  t.rig.provider->push_text("Fixed");
  // The second Stop still blocks: a hook that ignores stop_hook_active is bounded by max_steps.
  t.rig.limits.max_steps = 2;
  t.rig.provider->push_text("Really");
  auto run = t.run();
  REQUIRE(run);
  auto requests = t.rig.provider->requests();
  REQUIRE(requests.size() >= 2);
  CHECK(requests[1].messages.back().text == "the tests fail: fix them");
  auto stops = t.runner.of("Stop");
  REQUIRE(stops.size() >= 2);
  CHECK(stops[0]["stop_hook_active"] == false);
  CHECK(stops[0]["last_assistant_message"] == "I am done");
  CHECK(stops[1]["stop_hook_active"] == true);
}

TEST_CASE("SessionStart fires once per session, SessionEnd when the hooks end") {
  HookRig t(json{{"SessionStart", {group("", {"start"})}}, {"SessionEnd", {group("", {"end"})}}});
  t.rig.provider->push_text("one");
  auto first = t.run("hi");
  REQUIRE(first);
  t.rig.provider->push_text("two");
  REQUIRE(t.run("again", first->session_id));  // a chat's next turn
  CHECK(t.runner.of("SessionStart").size() == 1);
  CHECK(t.runner.of("SessionEnd").empty());
  t.hooks.reset();
  auto ends = t.runner.of("SessionEnd");
  REQUIRE(ends.size() == 1);
  CHECK(ends[0]["session_id"] == first->session_id);
  CHECK(ends[0]["reason"] == "other");
}

TEST_CASE("an agent's own hooks run only while it runs, its Stop as SubagentStop") {
  HookRig t(json::object());
  auto child = agent("checker", agents::AgentMode::kSubagent);
  child.hooks = {{"Stop", {group("", {"child-stop"})}}, {"PreToolUse", {group("", {"child-pre"})}}};
  t.rig.catalog.add(child);
  t.rig.provider->push_calls({call("r1", "read_file", {{"path", "a"}})});
  t.rig.provider->push_calls({call(
      "t1", "task", {{"subagent_type", "checker"}, {"prompt", "check"}, {"description", "c"}})});
  t.rig.provider->push_calls({call("r2", "read_file", {{"path", "b"}})});
  t.rig.provider->push_text("checked");
  t.rig.provider->push_text("done");
  REQUIRE(t.run());
  auto pre = t.runner.of("PreToolUse");
  REQUIRE(pre.size() == 1);
  CHECK(pre[0]["tool_use_id"] == "r2");
  auto stops = t.runner.of("SubagentStop");
  REQUIRE(stops.size() == 1);
  CHECK(stops[0]["agent_type"] == "checker");
  CHECK(t.runner.of("Stop").empty());
}

TEST_CASE("continue false ends the run after the turn's calls, with the stopReason") {
  HookRig t(json{{"PostToolUse", {group("", {"enough"})}}});
  t.runner.answers["enough"] = {0, false, R"({"continue": false, "stopReason": "budget spent"})",
                                ""};
  t.rig.provider->push_calls({call("r1", "read_file", {{"path", "a"}})});
  t.rig.provider->push_text("never asked");
  auto run = t.run();
  REQUIRE(run);
  CHECK(run->reason == StopReason::kCompleted);
  CHECK(run->result == "budget spent");
  CHECK(t.rig.provider->requests().size() == 1);
}

}  // namespace agentry::engine
