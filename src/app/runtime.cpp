#include "app/runtime.hpp"

#include <mutex>
#include <unistd.h>

#include "app/approvers.hpp"
#include "app/custom_commands.hpp"
#include "engine/mcp_tool_host.hpp"
#include "engine/registry_tool_host.hpp"
#include "engine/store_change_journal.hpp"
#include "engine/store_session_log.hpp"

namespace agentry::app {

namespace fs = std::filesystem;

namespace {

/// The engine's EditCheck over the tools layer's checker.
class ToolsEditCheck final : public engine::EditCheck {
 public:
  explicit ToolsEditCheck(tools::EditChecker& checker) : checker_(checker) {}
  std::string after_edits(const std::string& session_id, const std::vector<ToolCall>& calls,
                          const tools::ToolContext& context,
                          std::filesystem::file_time_type since) override {
    std::vector<tools::EditedCall> edited;
    for (const auto& call : calls)
      edited.push_back({call.name, call.arguments});
    return checker_.check(session_id, edited, context, since);
  }

 private:
  tools::EditChecker& checker_;
};

/// The engine's MCP servers: the services' pools, built on first use.
class ServicesMcpSource final : public engine::McpServerSource {
 public:
  explicit ServicesMcpSource(Services& services) : services_(services) {}
  bool any_configured() const override { return services_.mcp_configured(); }
  Result<mcpclient::ServerPool*> configured() override { return services_.mcp_pool(); }
  Result<mcpclient::ServerPool*> inline_servers(const agents::AgentDefinition& agent) override {
    return services_.agent_mcp_pool(agent);
  }

 private:
  Services& services_;
};

class RealTaskRunner final : public engine::TaskRunner {
 public:
  static Result<std::unique_ptr<RealTaskRunner>> build(Services& services, HttpLoading http);

  std::vector<const agents::AgentDefinition*> agents() const override { return catalog_->all(); }

  Result<engine::RunResult> run(const engine::TaskRequest& request, engine::EventSink& events,
                                std::stop_token stop) override {
    if (auto ready = finish_loading(); !ready) return tl::make_unexpected(ready.error());
    std::unique_ptr<TerminalApprover> terminal;
    if (request.approver == nullptr && request.permission_mode != engine::PermissionMode::kBypass &&
        ::isatty(STDIN_FILENO))
      terminal = services_.terminal_approver();
    ModeApprover by_mode(request.permission_mode,
                         request.approver ? request.approver : terminal.get());
    AllowedToolsApprover approver(request.allowed_tools, by_mode);
    engine::RegistryToolHost own_tools(*tools_, policy_, &approver);
    ServicesMcpSource mcp_servers(services_);
    engine::McpToolHost host(own_tools, mcp_servers, stop, ctx_.log);
    engine::StoreSessionLog log(*store_);
    engine::Engine engine(*catalog_, *models_, host, &log, *prompts_, events, limits_, ctx_.log);
    // What the writing calls change is kept in the store, for /undo and `agentry undo`.
    engine::StoreChangeJournal journal(*store_);
    engine.set_change_journal(&journal);
    ToolsEditCheck edit_check(*edit_checker_);
    engine.set_edit_check(&edit_check);
    engine.set_hooks(hooks_);
    engine::RunRequest run;
    run.agent = request.agent;
    run.task = request.task;
    run.model = request.model;
    run.resume_session = request.session_id;
    std::error_code ec;
    run.cwd = fs::weakly_canonical(request.cwd.empty() ? ctx_.cwd : request.cwd, ec);
    run.max_steps = request.max_steps;
    run.effort = request.effort;
    run.compact_only = request.compact_only;
    if (!run.resume_session.empty()) {
      auto full = store_->resolve_id(run.resume_session);
      if (!full) return tl::make_unexpected(full.error());
      run.resume_session = *full;
    }
    return engine.run(run, std::move(stop));
  }

  Result<void> check(const engine::TaskRequest& request) override {
    if (auto ready = finish_loading(); !ready) return ready;
    engine::RegistryToolHost host(*tools_, policy_, nullptr);
    engine::NullSink events;
    engine::Engine engine(*catalog_, *models_, host, nullptr, *prompts_, events, limits_, ctx_.log);
    engine::RunRequest run;
    run.agent = request.agent;
    run.model = request.model;
    return engine.check(run);
  }

  Result<engine::Opening> opening(const engine::TaskRequest& request) override {
    // The tools and prompts a task loads, but not the store: nothing is run or recorded.
    auto tools = services_.tool_registry();
    if (!tools) return tl::make_unexpected(tools.error());
    auto prompts = services_.prompt_builder();
    if (!prompts) return tl::make_unexpected(prompts.error());
    engine::RegistryToolHost own_tools(**tools, policy_, nullptr);
    // The MCP servers' tools too (the agent's servers start, as a run would start them).
    ServicesMcpSource mcp_servers(services_);
    engine::McpToolHost host(own_tools, mcp_servers, {}, ctx_.log);
    engine::NullSink events;
    engine::Engine engine(*catalog_, *models_, host, nullptr, **prompts, events, limits_, ctx_.log);
    engine::RunRequest run;
    run.agent = request.agent;
    std::error_code ec;
    run.cwd = fs::weakly_canonical(request.cwd.empty() ? ctx_.cwd : request.cwd, ec);
    return engine.opening(run);
  }

  Result<std::string> latest_session(const fs::path& cwd) override {
    if (auto ready = finish_loading(); !ready) return tl::make_unexpected(ready.error());
    std::error_code ec;
    return store_->latest_session_for_cwd(fs::weakly_canonical(cwd, ec).string())
        .transform([](const store::SessionInfo& s) { return s.id; });
  }

 private:
  explicit RealTaskRunner(Services& services) : services_(services), ctx_(services.context()) {}

  /// The parts only a task needs (sandbox probe, tool registry, session store, prompts), made by
  /// the first run() or latest_session(): `agentry mcp` answers its handshake and lists its
  /// tools, and the chat shows its prompt, without waiting for them. Thread-safe; a failure is
  /// kept and returned by every later call.
  [[nodiscard]] Result<void> finish_loading();

  Services& services_;
  AppContext& ctx_;
  engine::AgentCatalog* catalog_ = nullptr;
  engine::ModelResolver* models_ = nullptr;
  engine::Hooks* hooks_ = nullptr;
  tools::PermissionPolicy policy_;
  engine::EngineLimits limits_;

  std::mutex loading_mu_;
  bool loaded_ = false;
  std::optional<Error> load_error_;
  tools::ToolRegistry* tools_ = nullptr;
  tools::EditChecker* edit_checker_ = nullptr;
  store::SessionStore* store_ = nullptr;
  engine::PromptBuilder* prompts_ = nullptr;
};

Result<std::unique_ptr<RealTaskRunner>> RealTaskRunner::build(Services& services,
                                                              HttpLoading http) {
  std::unique_ptr<RealTaskRunner> self(new RealTaskRunner(services));
  if (http == HttpLoading::kNow) services.start_loading_http();
  // Opening the store (file, WAL, schema check) mostly waits on the disk: it starts now and
  // runs while config and agents load; the first task waits for it (finish_loading).
  services.start_opening_session_store();
  auto settings = services.settings();
  if (!settings) return tl::make_unexpected(settings.error());
  auto catalog = services.catalog();
  if (!catalog) return tl::make_unexpected(catalog.error());
  self->catalog_ = *catalog;
  auto models = services.models();
  if (!models) return tl::make_unexpected(models.error());
  self->models_ = *models;
  auto hooks = services.hooks();
  if (!hooks) return tl::make_unexpected(hooks.error());
  self->hooks_ = *hooks;
  self->policy_ = (*settings)->permissions.value;
  self->limits_ = (*settings)->engine_limits();
  return self;
}

Result<void> RealTaskRunner::finish_loading() {
  std::lock_guard lock(loading_mu_);
  if (loaded_) return {};
  if (load_error_) return tl::make_unexpected(*load_error_);
  auto failed = [this](Error error) -> Result<void> {
    load_error_ = error;
    return tl::make_unexpected(std::move(error));
  };
  auto tools = services_.tool_registry();
  if (!tools) return failed(tools.error());
  tools_ = *tools;
  auto checker = services_.edit_checker();
  if (!checker) return failed(checker.error());
  edit_checker_ = *checker;
  auto store = services_.session_store();
  if (!store) return failed(store.error());
  store_ = *store;
  auto prompts = services_.prompt_builder();
  if (!prompts) return failed(prompts.error());
  prompts_ = *prompts;
  loaded_ = true;
  return {};
}

}  // namespace

Result<std::unique_ptr<engine::TaskRunner>> make_task_runner(Services& services, HttpLoading http) {
  return RealTaskRunner::build(services, http)
      .transform([](std::unique_ptr<RealTaskRunner> r) -> std::unique_ptr<engine::TaskRunner> {
        return r;
      });
}

}  // namespace agentry::app
