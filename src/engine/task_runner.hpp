#pragma once
/// What every front-end (run, chat, batch, mcp) asks of the composed engine: the agents it can
/// offer, and running one task with an event sink and a stop token. The real implementation
/// (runtime.hpp) wires config, registry, providers, tools and the session store; tests use fakes.
#include <filesystem>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "agents/agent_definition.hpp"
#include "agents/custom_command.hpp"
#include "core/error.hpp"
#include "engine/engine.hpp"
#include "engine/events.hpp"
#include "tools/permission_mode.hpp"
#include "tools/permissions.hpp"

namespace agentry::engine {

/// How tools that `ask` are answered when nobody is at a terminal (`--permission-mode`).
using PermissionMode = tools::PermissionMode;

struct TaskRequest {
  std::string agent;  ///< empty: the default primary agent
  std::string task;
  std::filesystem::path cwd;
  std::string session_id;  ///< continue this session
  std::string model;       ///< overrides the agent's model
  std::optional<int> max_steps;
  std::string effort;  ///< `--effort` / a batch task's `effort`; "" = the agent's or none
  PermissionMode permission_mode = PermissionMode::kAsk;
  /// Answers `ask` tools in kAsk/kAcceptEdits mode instead of a fresh terminal prompt (chat
  /// passes one that pauses its spinner and keeps "always" for the whole chat); null: default.
  tools::Approver* approver = nullptr;
  /// A custom command's `allowed-tools`: calls they name run without asking for this task (a
  /// rule's deny still denies, and a write to settings still asks).
  std::vector<agents::AllowedTool> allowed_tools;
  /// Only compact `session_id` (chat's /compact): the model summarises the session, which goes
  /// on from the summary and its last turns; `task` is ignored. Emits ContextCompacted.
  bool compact_only = false;
};

class TaskRunner {
 public:
  virtual ~TaskRunner() = default;
  /// Every enabled agent, sorted by name.
  virtual std::vector<const agents::AgentDefinition*> agents() const = 0;
  /// Runs one task to its end; events go to `events` from any thread.
  [[nodiscard]] virtual Result<engine::RunResult> run(const TaskRequest& request,
                                                      engine::EventSink& events,
                                                      std::stop_token stop) = 0;
  /// Whether `request` could start, without running it: everything a task needs loads (tools,
  /// sandbox, store) and its agent and model resolve to a configured provider. A failure here is
  /// not the task's: `agentry batch` stops before its first task rather than record it for each.
  [[nodiscard]] virtual Result<void> check(const TaskRequest& /*request*/) { return {}; }
  /// What a task of `request` (its agent, in its cwd) would send the model before the task: the
  /// system prompt in pieces and the tools (`agentry context`). Calls no model, opens no store.
  [[nodiscard]] virtual Result<engine::Opening> opening(const TaskRequest& /*request*/) {
    return fail(ErrorCode::kInternal, "this runner cannot show what it would send", "context", "");
  }
  /// The id of the most recent top-level session started in `cwd` (for --continue).
  [[nodiscard]] virtual Result<std::string> latest_session(const std::filesystem::path& cwd) {
    return fail(ErrorCode::kNotFound, "no earlier session in this directory", cwd.string(),
                "start one without --continue");
  }
};

}  // namespace agentry::engine
