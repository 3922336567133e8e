#pragma once
/// What a command works with, built in one place: app::Services is made once per process by
/// main over the AppContext, and every front-end and admin command (run, chat, batch, mcp,
/// demo, tools, ping, models, route, sessions, agents) takes what it needs from it and builds
/// nothing itself. Each part is built on first use and kept (so `agentry agents list` never
/// opens the store, and `agentry mcp` answers its handshake before the tools load); every
/// accessor is thread-safe, and a part that fails to build keeps returning its error.
///
/// The settings (settings.hpp) are read once; the process runner of the tools is sandboxed
/// when they say so, for every command; the process has one session store connection.
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <vector>

#include "agents/registry.hpp"
#include "app/app_context.hpp"
#include "app/approvers.hpp"
#include "app/registry_catalog.hpp"
#include "app/settings.hpp"
#include "core/error.hpp"
#include "engine/hooks.hpp"
#include "engine/ports.hpp"
#include "engine/prompt_builder.hpp"
#include "engine/task_runner.hpp"
#include "engine/undo.hpp"
#include "fakellm/fake_llm_server.hpp"
#include "llm/curl_global.hpp"
#include "mcpclient/server_pool.hpp"
#include "store/session_store.hpp"
#include "tools/edit_check.hpp"
#include "tools/process_runner.hpp"
#include "tools/tool.hpp"
#include "tools/tool_registry.hpp"

namespace agentry::app {

/// When the runner loads libcurl (see llm/curl_global.hpp).
enum class HttpLoading {
  kOnFirstRequest,  ///< chat and mcp: their prompt and handshake must not compete with it
  kNow,             ///< run, batch, demo: a request is certain, so load it on a thread while
                    ///< config, agents, tools and the store load (it is most of a one-shot's
                    ///< start-up)
};

/// A part built on first use under its own lock; a failure is kept and returned again.
template <class T>
class Lazy {
 public:
  template <class Make>
  Result<T*> get(Make&& make) {
    std::lock_guard lock(mutex_);
    if (!value_ && !error_) {
      Result<std::unique_ptr<T>> made = make();
      if (made) {
        value_ = std::move(*made);
      } else {
        error_ = made.error();
      }
    }
    if (error_) return tl::make_unexpected(*error_);
    return value_.get();
  }

 private:
  std::mutex mutex_;
  std::unique_ptr<T> value_;
  std::optional<Error> error_;
};

class Services {
 public:
  /// Builds nothing yet; `ctx` (its config loaded by then) must outlive the services.
  explicit Services(AppContext& ctx);
  ~Services();
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  AppContext& context() const { return ctx_; }

  /// The typed settings (read once; a config error, or a wrong value, is kept and returned).
  [[nodiscard]] Result<const Settings*> settings();

  // ---- agents
  /// Every agent file on the search path as loaded, disabled ones and load problems included
  /// (`agentry agents list|show|validate`).
  agents::Registry agent_registry() const;
  /// The agent files at `paths` alone (`agentry agents validate PATH…`).
  agents::Registry agent_files(const std::vector<std::filesystem::path>& paths) const;
  /// The agents tasks may run: enabled ones, an untrusted project's restricted.
  [[nodiscard]] Result<RegistryCatalog*> catalog();

  // ---- models
  /// Makes the Provider of a configured provider (the engine's only way to one).
  engine::ProviderFactory provider_factory();
  /// One provider for `config` (ping).
  [[nodiscard]] Result<std::shared_ptr<llm::Provider>> provider(const llm::ProviderConfig& config);
  /// The model resolver over the configured providers, shared by every task of the process.
  [[nodiscard]] Result<engine::ModelResolver*> models();
  /// Loads libcurl on a thread now, for a command certain to make a request.
  void start_loading_http();

  // ---- tools
  /// The process runner the tools run under: sandboxed (bubblewrap) when the settings say so.
  [[nodiscard]] Result<tools::ProcessRunner*> tool_runner();
  /// A plain runner, for commands a person runs by their own hand (chat's `!cmd`, /diff's git,
  /// the checks of batch and demo).
  tools::ProcessRunner& user_runner() { return posix_runner_; }
  /// The specs of the tools in <data_dir>/tools (for listing; nothing bound to an executor).
  [[nodiscard]] Result<std::vector<tools::ToolSpec>> tool_specs() const;
  /// Every tool bound to its executor, over tool_runner(), with cargo_target_dir, the
  /// environment, the log and the redactor.
  [[nodiscard]] Result<tools::ToolRegistry*> tool_registry();
  /// The check after edits (check_after_edit), over the same runner, target folder and
  /// environment as the cargo tools, with the configured budget; one per process, so that a
  /// session's warnings stay known across its runs.
  [[nodiscard]] Result<tools::EditChecker*> edit_checker();
  /// Runs one tool call as `agentry tools run` does: the person typing it is the approver, so
  /// nothing is asked; everything else as for the model (schema, workspace, sandbox).
  [[nodiscard]] Result<tools::ToolOutput> run_tool_by_hand(const ToolCall& call,
                                                           std::stop_token stop);

  // ---- hooks
  /// The hooks of the config and of a trusted project's `.claude` settings (hook_settings.hpp),
  /// run through /bin/sh by user_runner(). Building them logs a warning for what is ignored (an
  /// untrusted project's hooks among it). SessionEnd hooks run when the services end.
  [[nodiscard]] Result<engine::Hooks*> hooks();

  // ---- MCP servers
  /// The MCP servers of the config and of a trusted project's .mcp.json (mcp_settings.hpp), none
  /// started yet: each starts on its first use. Building it warns (stderr) when an untrusted
  /// project's .mcp.json has servers, which stay blocked. The pool ends every server with the
  /// services.
  [[nodiscard]] Result<mcpclient::ServerPool*> mcp_pool();
  /// True when a server may be configured — the config names one, or the project has a
  /// .mcp.json — found without building the pool (what a command without servers must not pay).
  bool mcp_configured();
  /// The names of every configured server, those of an untrusted project's .mcp.json included,
  /// without starting or building anything (`agents validate`'s notes).
  [[nodiscard]] Result<std::vector<std::string>> mcp_server_names();
  /// The servers `agent` defines inline in its `mcpServers` front-matter, in a pool of their own
  /// (one per agent file, built on first use, ended with the services); null when it defines
  /// none. Those of an untrusted project's agent file are blocked, with a warning, as an
  /// untrusted .mcp.json's are.
  [[nodiscard]] Result<mcpclient::ServerPool*> agent_mcp_pool(const agents::AgentDefinition& agent);

  // ---- sessions
  /// Starts opening the session store on a thread (it mostly waits on the disk).
  void start_opening_session_store();
  /// The process's one session store connection (opened, or created, on first use).
  [[nodiscard]] Result<store::SessionStore*> session_store();
  /// The same, but null when no store file exists yet (read-only commands never create it).
  [[nodiscard]] Result<store::SessionStore*> existing_session_store();

  /// Undo of the agents' file changes (`agentry undo`, chat's /undo and /rewind), over the
  /// session store. kNotFound when no store exists yet (so nothing was ever changed).
  [[nodiscard]] Result<engine::Undo> undo();

  // ---- the rest of a task
  /// The system prompts, probing toolchain versions through tool_runner().
  [[nodiscard]] Result<engine::PromptBuilder*> prompt_builder();
  /// The terminal approver for `ask` (null without a terminal).
  std::unique_ptr<TerminalApprover> terminal_approver() const;
  /// The scripted fake model server of `agentry demo`, serving the script at `script_file`.
  [[nodiscard]] Result<std::unique_ptr<fakellm::FakeLlmServer>> start_scripted_model(
      const std::filesystem::path& script_file) const;
  /// The engine composed for the front-ends (lazy: see runtime.cpp). The services must outlive
  /// it.
  [[nodiscard]] Result<std::unique_ptr<engine::TaskRunner>> task_runner(
      HttpLoading http = HttpLoading::kOnFirstRequest);

 private:
  [[nodiscard]] Result<store::SessionStore*> wait_for_store();
  mcpclient::PoolOptions mcp_pool_options();
  /// What every tool executor and the edit check run with.
  [[nodiscard]] Result<tools::ToolServices> tool_services();

  AppContext& ctx_;
  Lazy<Settings> settings_;
  Lazy<RegistryCatalog> catalog_;
  // Loads libcurl on the first request, so building the services does not.
  llm::CurlGlobal curl_;
  // start_loading_http(): curl_.api() running on its own thread (joined before curl_ is
  // destroyed; a load failure stays in curl_ and is reported by the first request).
  std::future<void> loading_curl_;
  Lazy<engine::ModelResolver> models_;
  tools::PosixProcessRunner posix_runner_;
  Lazy<tools::ProcessRunner> sandboxed_runner_;
  Lazy<engine::HookCommandRunner> hook_runner_;
  Lazy<engine::Hooks> hooks_;
  Lazy<tools::ToolRegistry> tools_;
  Lazy<tools::EditChecker> edit_checker_;
  Lazy<engine::PromptBuilder> prompts_;
  // After curl_, so that it is destroyed (ending every server) before curl_ is.
  Lazy<mcpclient::ServerPool> mcp_pool_;
  std::mutex agent_pools_mutex_;
  std::map<std::string, std::unique_ptr<mcpclient::ServerPool>> agent_pools_;  ///< by agent file

  std::mutex store_mutex_;
  std::future<Result<store::SessionStore>> opening_store_;
  std::unique_ptr<store::SessionStore> store_;
  std::optional<Error> store_error_;
};

}  // namespace agentry::app
