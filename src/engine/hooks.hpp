#pragma once
/// Runs the hooks (hook_config.hpp) at the points of the agent loop, as Claude Code does, and
/// turns what they answer into what the engine does:
///   - every command gets the event as JSON on stdin (`session_id`, `cwd`, `hook_event_name`,
///     `tool_name` as Claude Code names the tool, `tool_input` with its keys, `tool_response`,
///     `prompt`, `stop_hook_active`, …);
///   - exit 0: stdout, when it is a JSON object, may say `decision`/`reason`, `continue`/
///     `stopReason`, and in `hookSpecificOutput` `permissionDecision` (allow | deny | ask) with
///     `permissionDecisionReason`, `updatedInput` and `additionalContext`; plain stdout of a
///     UserPromptSubmit or SessionStart hook is context for the model;
///   - exit 2 blocks: PreToolUse refuses the call (stderr is its error result), PostToolUse hands
///     stderr to the model after the result, UserPromptSubmit drops the prompt (the user is told),
///     Stop/SubagentStop make the agent go on with stderr as a new user message;
///   - any other exit, a timeout or a command that cannot start: a warning in the log; the run
///     goes on.
/// Matching groups run one after another; a command written twice for one event runs once.
/// Thread-safe: calls of parallel tools run their hooks side by side.
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include "agents/agent_definition.hpp"
#include "engine/events.hpp"
#include "engine/hook_config.hpp"
#include "engine/ports.hpp"
#include "tools/tool.hpp"

namespace agentry::engine {

/// The session a hook fires in.
struct HookScope {
  Origin origin;
  std::filesystem::path cwd;
  const agents::AgentDefinition* agent = nullptr;  ///< its `hooks` apply too
  EventSink* events = nullptr;                     ///< gets a HookRan per command; may be null
  std::stop_token stop;
};

/// What the PreToolUse hooks decided about one call.
struct PreToolVerdict {
  std::optional<std::string> refusal;  ///< the call does not run; the model reads this instead
  std::optional<tools::Permission> permission;  ///< allow or ask (permissionDecision)
  std::optional<nlohmann::json> arguments;      ///< updatedInput, in agentry's keys
  std::string context;                          ///< additionalContext, for the model
  std::optional<std::string> halt;              ///< `continue: false`: the run ends (stopReason)
};

/// What the hooks of the other events answered.
struct HookFeedback {
  bool blocked = false;
  std::string text;     ///< exit 2's stderr, or the JSON `reason`
  std::string context;  ///< additionalContext (or plain stdout where that is context)
  std::optional<std::string> halt;
};

class Hooks {
 public:
  /// `hooks`: the config's and the trusted project's; an agent's own come with its scope.
  /// `runner` must outlive the hooks.
  Hooks(HookSet hooks, HookCommandRunner& runner, std::shared_ptr<spdlog::logger> log);
  /// Runs SessionEnd (reason "other") for every session still open.
  ~Hooks();
  Hooks(const Hooks&) = delete;
  Hooks& operator=(const Hooks&) = delete;

  PreToolVerdict pre_tool_use(const HookScope& scope, const ToolCall& call);
  /// After a call that succeeded: what the model should read after its result.
  HookFeedback post_tool_use(const HookScope& scope, const ToolCall& call,
                             const ToolResult& result);
  HookFeedback user_prompt_submit(const HookScope& scope, const std::string& prompt);
  /// Stop (top-level agent) or SubagentStop; blocked means: go on with `text`.
  HookFeedback stop(const HookScope& scope, bool stop_hook_active, const std::string& last_message);
  /// SessionStart, once per session for these hooks (a chat's later turns do not fire it
  /// again); the context for the first message.
  std::string session_start(const HookScope& scope, bool resumed);
  /// SessionEnd for every session session_start saw, once.
  void end_sessions(const std::string& reason);

 private:
  struct Run;
  /// Runs every command of `event` whose matcher selects `subject` (a tool name when `tool`).
  std::vector<Run> run_event(const HookScope& scope, HookEvent event, const std::string& subject,
                             bool tool, nlohmann::json input);
  /// The agent's own hooks, parsed once (a malformed set is logged and ignored).
  const HookSet& agent_hooks(const agents::AgentDefinition& agent);
  /// A HookRan event per command run.
  static void report(const HookScope& scope, HookEvent event, const std::vector<Run>& runs,
                     bool blocked);
  HookFeedback feedback(const std::vector<Run>& runs, HookEvent event, bool stdout_is_context);

  HookSet hooks_;
  HookCommandRunner& runner_;
  std::shared_ptr<spdlog::logger> log_;
  std::mutex mutex_;
  std::map<std::string, HookSet> agent_hooks_;
  std::map<std::string, std::filesystem::path> open_sessions_;
};

}  // namespace agentry::engine
