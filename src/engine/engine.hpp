#pragma once
/// The agent loop: model turn → tool calls (independent calls in parallel, results in call order)
/// → results back → next turn, until the model answers without tools, the step limit is hit, a
/// repeat loop is detected, or the run is cancelled. Delegation runs through the `task` tool as a
/// child session with its own prompt, tools and model, the parent's stop token and a depth limit.
///
/// The engine emits typed events (events.hpp) and never prints; it owns no front-end concern.
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "agents/skill.hpp"
#include "engine/events.hpp"
#include "engine/hooks.hpp"
#include "engine/ports.hpp"
#include "engine/prompt_builder.hpp"
#include "engine/tool_search.hpp"

namespace agentry::engine {

struct RunRequest {
  std::string agent;           ///< empty: the default primary agent
  std::string task;            ///< the user's message
  std::string model;           ///< overrides the agent's model; empty: the agent's
  std::string resume_session;  ///< continue this session (its history is sent again)
  std::filesystem::path cwd;   ///< the workspace
  std::optional<int> max_steps;
  /// How hard the top-level agent thinks (`--effort`): low | medium | high | xhigh | max; empty:
  /// the agent's `effort` / `thinking`, else the provider's configured effort, else none.
  std::string effort;
  /// Only summarise `resume_session` to fit less of the window (chat's /compact): no task, no
  /// turn; the session's next run goes on from the summary. `task` is ignored.
  bool compact_only = false;
};

struct ToolCallRecord {
  std::string session_id;
  std::string agent;
  ToolCall call;
  ToolResult result;
  std::int64_t duration_ms = 0;
};

struct RunResult {
  std::string session_id;
  std::string agent;
  std::string result;  ///< the final answer
  StopReason reason = StopReason::kCompleted;
  int num_turns = 0;                       ///< model turns of this session
  Usage usage;                             ///< this session and every subagent under it
  std::optional<double> cost_usd;          ///< unset when any price is unknown
  std::vector<ToolCallRecord> tool_calls;  ///< this session's and its subagents', in order
  std::chrono::milliseconds duration{0};
};

struct EngineLimits {
  int max_steps = 50;    ///< per session, unless the agent or the request says otherwise
  int max_depth = 3;     ///< how deep `task` may nest
  int repeat_limit = 3;  ///< identical consecutive tool calls before refusing
  std::string default_agent = "orchestrator";
  /// `check_after_edit` for agents whose file does not say (the config's; default off).
  bool check_after_edit = false;
  /// When MCP tools are left out of requests until searched for (tool_search.hpp).
  ToolSearchSettings tool_search;
};

/// What a session sends the model before the first message: the system prompt, in its pieces,
/// and the tools it offers (the `task` tool included).
struct Opening {
  std::string agent;
  SystemPrompt system;
  std::vector<ToolSchema> tools;
};

class Engine {
 public:
  Engine(AgentCatalog& agents, ModelResolver& models, ToolHost& tools, SessionLog* sessions,
         PromptBuilder& prompts, EventSink& events, EngineLimits limits,
         std::shared_ptr<spdlog::logger> log);

  /// Runs one task to its end. A cancelled run returns ErrorCode::kCancelled (after recording
  /// what was done); a failed model call returns its error.
  [[nodiscard]] Result<RunResult> run(const RunRequest& request, std::stop_token stop);

  /// Records the changes of writing tool calls (for undo); null (the default): no record.
  void set_change_journal(ChangeJournal* journal) { changes_ = journal; }

  /// Checks the crate after the writing calls of each turn of agents with check_after_edit on
  /// (EditCheck); null (the default): never. `check` must outlive the engine.
  void set_edit_check(EditCheck* check) { edit_check_ = check; }

  /// Runs `hooks` (hooks.hpp) around tool calls, at session start, prompt submit and stop;
  /// null (the default): none. `hooks` must outlive the engine.
  void set_hooks(Hooks* hooks) { hooks_ = hooks; }
  /// The skills agents may load (the `skill` tool) and preload (`skills:`); null (the default):
  /// none. `skills` must outlive the engine.
  void set_skills(const agents::SkillRegistry* skills) { skills_ = skills; }

  /// The agent a request goes to: the named one, or the default primary agent.
  [[nodiscard]] Result<const agents::AgentDefinition*> pick_agent(const std::string& name) const;

  /// Whether a new top-level run of `request` could start, without starting it: its agent and
  /// its model's provider (config errors). `agentry batch` asks before its first task.
  [[nodiscard]] Result<void> check(const RunRequest& request);

  /// What a new top-level run of `request` (its agent, in its cwd) would send the model before
  /// the task, built as the run builds it, without calling a model (`agentry context`): under
  /// tool search, the deferred MCP tools left out and its notice the last piece.
  [[nodiscard]] Result<Opening> opening(const RunRequest& request);

 private:
  struct Frame;
  class Session;
  [[nodiscard]] Result<RunResult> run_session(const RunRequest& request, const Frame& frame,
                                              std::stop_token stop);
  /// The model `agent` runs `request` with: --model, else the agent's own.
  /// The system prompt and tools of `agent` in `cwd` at delegation depth `depth`.
  [[nodiscard]] Result<Opening> opening_for(const agents::AgentDefinition& agent,
                                            const std::filesystem::path& cwd, int depth);
  [[nodiscard]] Result<ModelBinding> bind_model(const agents::AgentDefinition& agent,
                                                const RunRequest& request,
                                                const ModelBinding* inherited);

  AgentCatalog& agents_;
  ModelResolver& models_;
  ToolHost& tools_;
  SessionLog* sessions_;
  ChangeJournal* changes_ = nullptr;
  PromptBuilder& prompts_;
  EventSink& events_;
  EngineLimits limits_;
  std::shared_ptr<spdlog::logger> log_;
  EditCheck* edit_check_ = nullptr;
  Hooks* hooks_ = nullptr;
  const agents::SkillRegistry* skills_ = nullptr;
};

}  // namespace agentry::engine
