#pragma once
/// The services the agent loop needs, as small interfaces: the composition root (app) wires the
/// real ones (providers from config, the tools layer, the SQLite store); tests wire fakes.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "agents/agent_definition.hpp"
#include "core/error.hpp"
#include "core/message.hpp"
#include "engine/cost.hpp"
#include "engine/hook_config.hpp"
#include "llm/provider.hpp"
#include "llm/provider_config.hpp"
#include "tools/tool.hpp"

namespace agentry::engine {

/// A model the loop can call: the provider, the model id it takes, and its price if known.
struct ModelBinding {
  std::shared_ptr<llm::Provider> provider;
  std::string model;  ///< the provider's model id
  std::string label;  ///< "provider/model", for events and the store
  std::optional<Price> price;
};

/// Makes the Provider of one configured provider. The composition root (app) hands the engine
/// one: the engine never builds a provider itself, so tests hand it fakes and every provider of
/// a process shares app's HTTP services.
using ProviderFactory =
    std::function<Result<std::shared_ptr<llm::Provider>>(const llm::ProviderConfig&)>;

/// Turns an agent's `model:` (alias, id, provider/model, empty or "inherit") into a binding.
class ModelResolver {
 public:
  virtual ~ModelResolver() = default;
  /// `spec` empty or "inherit" means `inherited`; `inherited` null means the default model.
  [[nodiscard]] virtual Result<ModelBinding> resolve(const std::string& spec,
                                                     const ModelBinding* inherited) = 0;
};

/// Every tool but `task` (which the engine itself provides): schemas, argument validation,
/// permissions and execution. Failures the model can act on come back as a ToolResult with
/// is_error; an Error means the run cannot go on (cancelled, broken sandbox).
class ToolHost {
 public:
  virtual ~ToolHost() = default;
  /// The schemas `agent` may call, in a stable order.
  virtual std::vector<ToolSchema> schemas_for(const agents::AgentDefinition& agent) const = 0;
  [[nodiscard]] virtual Result<ToolResult> execute(const agents::AgentDefinition& agent,
                                                   const ToolCall& call,
                                                   const tools::ToolContext& context) = 0;
  /// True when the call may change the workspace (an edit, a write, clippy --fix, rustfmt
  /// apply) or when that cannot be told (an unknown tool, arguments that do not parse). The
  /// engine runs such calls one at a time in the order the model gave them.
  virtual bool writes(const ToolCall& call) const = 0;
};

/// Keeps what writing tool calls change, so that a person can undo it (`/undo`, `agentry undo`).
/// The engine calls before() and after() around every call ToolHost::writes() says writes, with
/// the session that makes the call (a subagent's own). Failures only lose the record: the engine
/// logs them and the call runs anyway.
class ChangeJournal {
 public:
  virtual ~ChangeJournal() = default;
  /// Snapshots the files `call` may touch (in `workspace`), before it runs.
  [[nodiscard]] virtual Result<void> before(const std::string& session_id, const ToolCall& call,
                                            const std::filesystem::path& workspace) = 0;
  /// Records the files the call changed (compared with before()'s snapshot).
  [[nodiscard]] virtual Result<void> after(const std::string& session_id, const ToolCall& call) = 0;
};

/// Diagnostics after every edit: once a turn's writing calls have run, what the model should
/// read about the state of the crate they edited (`cargo check` of its package, the errors and
/// new warnings in the touched files). Implemented over the tools layer (tools::EditChecker);
/// the engine asks only for agents with check_after_edit on.
class EditCheck {
 public:
  virtual ~EditCheck() = default;
  /// The text to append to the result of the last of `calls` (the writing calls of one turn of
  /// `session_id` that succeeded, in order; `since`: taken before the first of them ran), or
  /// empty. Never fails: a check that cannot run says so in its text.
  virtual std::string after_edits(const std::string& session_id, const std::vector<ToolCall>& calls,
                                  const tools::ToolContext& context,
                                  std::filesystem::file_time_type since) = 0;
};

/// What one hook command did.
struct HookProcessResult {
  int exit_code = -1;  ///< -1 when a signal ended it
  bool timed_out = false;
  std::string out;  ///< stdout (capped)
  std::string err;  ///< stderr (capped)
};

/// Runs hook commands (hooks.hpp): the user's own, so through `/bin/sh -c`, in `cwd`, with the
/// event's JSON on stdin, the hook's timeout, output caps, no API key in the environment (and
/// CLAUDE_PROJECT_DIR, AGENTRY_PROJECT_DIR set), ended with its process group when `stop` fires.
/// An Error means it could not start (kTool) or was cancelled (kCancelled).
class HookCommandRunner {
 public:
  virtual ~HookCommandRunner() = default;
  [[nodiscard]] virtual Result<HookProcessResult> run(const HookCommand& hook,
                                                      const std::string& input,
                                                      const std::filesystem::path& cwd,
                                                      std::stop_token stop) = 0;
};

/// The agents the engine may run.
class AgentCatalog {
 public:
  virtual ~AgentCatalog() = default;
  virtual const agents::AgentDefinition* find(const std::string& name) const = 0;
  /// Every agent, sorted by name.
  virtual std::vector<const agents::AgentDefinition*> all() const = 0;
};

/// Session records, so that runs can be resumed and inspected. Implemented over the SQLite store.
struct SessionInfo {
  std::string id;
  std::string parent_id;       ///< empty for a top-level session
  std::string parent_call_id;  ///< the `task` call that started it
  std::string agent;
  std::string model;
  std::string cwd;
  std::string title;
};

/// What a compaction leaves the model: recorded so that --continue / --resume go on from it.
struct Compaction {
  std::string how;                 ///< "pruned" | "summarised"
  std::int64_t tokens_before = 0;  ///< estimated prompt tokens before
  std::int64_t tokens_after = 0;   ///< estimated prompt tokens after
  std::vector<Message> view;       ///< the messages the model sees from now on (no system prompt)
};

class SessionLog {
 public:
  virtual ~SessionLog() = default;
  [[nodiscard]] virtual Result<std::string> create(const SessionInfo& info) = 0;
  [[nodiscard]] virtual Result<std::vector<Message>> load(const std::string& session_id) = 0;
  /// The agent a session ran, to continue it with the same one.
  [[nodiscard]] virtual Result<SessionInfo> info(const std::string& session_id) = 0;
  /// Appends one turn's messages and usage atomically.
  [[nodiscard]] virtual Result<void> append(const std::string& session_id,
                                            const std::vector<Message>& messages,
                                            const Usage& usage, std::optional<double> cost_usd) = 0;
  [[nodiscard]] virtual Result<void> finish(const std::string& session_id,
                                            const std::string& status,
                                            const std::string& result) = 0;
  /// Records a compaction: the full transcript stays in the store (sessions show, export);
  /// load() from now on returns `compaction.view` followed by every message appended after it.
  [[nodiscard]] virtual Result<void> record_compaction(const std::string& session_id,
                                                       const Compaction& compaction) = 0;
};

}  // namespace agentry::engine
