#include "app/runtime.hpp"

#include <future>
#include <mutex>
#include <optional>
#include <unistd.h>

#include <fmt/format.h>

#include "app/approvers.hpp"
#include "app/config_settings.hpp"
#include "app/registry_catalog.hpp"
#include "core/config.hpp"
#include "engine/llm_model_resolver.hpp"
#include "engine/registry_tool_host.hpp"
#include "engine/store_session_log.hpp"
#include "llm/curl_global.hpp"
#include "store/session_store.hpp"
#include "tools/process_runner.hpp"
#include "tools/sandbox.hpp"
#include "tools/tool_registry.hpp"

namespace agentry::app {

namespace fs = std::filesystem;

namespace {

/// Runs a probe command (toolchain versions, cargo metadata) with a short timeout.
engine::CommandProbe make_probe(tools::ProcessRunner& runner, const Environment& env) {
  return
      [&runner, child_env = tools::child_environment(env)](
          const std::vector<std::string>& argv, const fs::path& cwd) -> std::optional<std::string> {
        tools::ProcessRequest request;
        request.argv = argv;
        request.cwd = cwd;
        request.environment = child_env;
        request.timeout = std::chrono::seconds(20);
        request.capture_cap = 256 * 1024;
        auto result = runner.run(request, {});
        if (!result || !result->succeeded()) return std::nullopt;
        return result->out.text;
      };
}

template <class T>
T config_value(const Config& config, std::string_view pointer, T fallback) {
  const auto* v = config.find(pointer);
  if (v == nullptr || v->is_null()) return fallback;
  try {
    return v->get<T>();
  } catch (const nlohmann::json::exception&) {
    return fallback;
  }
}

class RealTaskRunner final : public engine::TaskRunner {
 public:
  static Result<std::unique_ptr<RealTaskRunner>> build(AppContext& ctx, HttpLoading http);

  std::vector<const agents::AgentDefinition*> agents() const override { return catalog_->all(); }

  Result<engine::RunResult> run(const engine::TaskRequest& request, engine::EventSink& events,
                                std::stop_token stop) override {
    if (auto ready = finish_loading(); !ready) return tl::make_unexpected(ready.error());
    std::unique_ptr<TerminalApprover> terminal;
    if (request.approver == nullptr && request.permission_mode != engine::PermissionMode::kBypass &&
        ::isatty(STDIN_FILENO))
      terminal = TerminalApprover::open();
    ModeApprover approver(request.permission_mode,
                          request.approver ? request.approver : terminal.get());
    engine::RegistryToolHost host(*tools_, policy_, &approver);
    engine::StoreSessionLog log(*store_);
    engine::Engine engine(*catalog_, *models_, host, &log, *prompts_, events, limits_, ctx_.log);
    engine::RunRequest run;
    run.agent = request.agent;
    run.task = request.task;
    run.model = request.model;
    run.resume_session = request.session_id;
    std::error_code ec;
    run.cwd = fs::weakly_canonical(request.cwd.empty() ? ctx_.cwd : request.cwd, ec);
    run.max_steps = request.max_steps;
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

  Result<std::string> latest_session(const fs::path& cwd) override {
    if (auto ready = finish_loading(); !ready) return tl::make_unexpected(ready.error());
    std::error_code ec;
    return store_->latest_session_for_cwd(fs::weakly_canonical(cwd, ec).string())
        .transform([](const store::SessionInfo& s) { return s.id; });
  }

 private:
  explicit RealTaskRunner(AppContext& ctx) : ctx_(ctx) {}

  /// The parts only a task needs (sandbox probe, tool registry, session store, prompts), made by
  /// the first run() or latest_session(): `agentry mcp` answers its handshake and lists its
  /// tools, and the chat shows its prompt, without waiting for them. Thread-safe; a failure is
  /// kept and returned by every later call.
  [[nodiscard]] Result<void> finish_loading();

  AppContext& ctx_;
  // Loads libcurl on the first request, so building the runner does not (see curl_global.hpp).
  llm::CurlGlobal curl_;
  // HttpLoading::kNow: curl_.api() running on its own thread (joined before curl_ is destroyed;
  // a load failure stays in curl_ and is reported by the first request).
  std::future<void> loading_curl_;
  std::unique_ptr<engine::AgentCatalog> catalog_;
  std::unique_ptr<engine::LlmModelResolver> models_;
  tools::PosixProcessRunner posix_runner_;
  tools::PermissionPolicy policy_;
  engine::EngineLimits limits_;
  bool sandbox_ = false;
  std::optional<fs::path> cargo_target_dir_;

  std::mutex loading_mu_;
  bool loaded_ = false;
  std::optional<Error> load_error_;
  std::future<Result<store::SessionStore>> opening_store_;
  std::unique_ptr<tools::SandboxedRunner> sandboxed_runner_;
  std::unique_ptr<tools::ToolRegistry> tools_;
  std::unique_ptr<store::SessionStore> store_;
  std::unique_ptr<engine::PromptBuilder> prompts_;
};

Result<std::unique_ptr<RealTaskRunner>> RealTaskRunner::build(AppContext& ctx, HttpLoading http) {
  std::unique_ptr<RealTaskRunner> self(new RealTaskRunner(ctx));
  if (http == HttpLoading::kNow) {
    self->loading_curl_ =
        std::async(std::launch::async, [curl = &self->curl_] { (void)curl->api(); });
  }
  // Opening the store (file, WAL, schema check) mostly waits on the disk: it starts now and
  // runs while config and agents load; the first task waits for it (finish_loading). An unused
  // runner still waits for it when destroyed (the future's destructor joins).
  auto db = ctx.session_db.empty() ? store::default_session_db_path(ctx.env) : ctx.session_db;
  self->opening_store_ = std::async(std::launch::async, [db] {
    // kNormal: a commit survives a crash or kill of agentry (what --continue and the store's
    // guarantee need) without an fsync per turn; only a power loss may drop the last turns.
    store::StoreOptions options;
    options.sync = store::StoreOptions::Sync::kNormal;
    return store::SessionStore::open(db, options);
  });
  const auto& config = ctx.config;
  if (!config) return tl::make_unexpected(config.error());

  self->catalog_ = load_registry_catalog(ctx);

  auto llm_config = llm::load_llm_config(*config, ctx.env);
  if (!llm_config) return tl::make_unexpected(llm_config.error());
  self->models_ = std::make_unique<engine::LlmModelResolver>(
      std::move(*llm_config), ctx.env, llm::ProviderServices{self->curl_, ctx.log});

  auto sandbox = sandbox_enabled(ctx);
  if (!sandbox) return tl::make_unexpected(sandbox.error());
  self->sandbox_ = *sandbox;
  if (auto dir = config_value<std::string>(*config, "/cargo_target_dir", ""); !dir.empty())
    self->cargo_target_dir_ = fs::path(dir);

  if (const auto* section = config->find("/permissions")) {
    auto policy = tools::PermissionPolicy::from_config(*section, config->where("/permissions"));
    if (!policy) return tl::make_unexpected(policy.error());
    self->policy_ = std::move(*policy);
  }

  for (auto [key, slot] : {std::pair{"max_steps", &self->limits_.max_steps},
                           std::pair{"max_depth", &self->limits_.max_depth}}) {
    auto value = limit_value(*config, limit_named(key));
    if (!value) return tl::make_unexpected(value.error());
    *slot = *value;
  }
  self->limits_.default_agent =
      config_value<std::string>(*config, "/default_agent", self->limits_.default_agent);
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

  tools::ProcessRunner* runner = &posix_runner_;
  if (sandbox_) {
    auto probe = tools::Sandbox::probe(posix_runner_, ctx_.env);
    if (!probe) return failed(probe.error());
    sandboxed_runner_ = std::make_unique<tools::SandboxedRunner>(posix_runner_, std::move(*probe));
    runner = sandboxed_runner_.get();
  }
  tools::ToolServices services;
  services.runner = runner;
  services.environment = ctx_.env;
  services.log = ctx_.log;
  services.redactor = ctx_.redactor;
  if (cargo_target_dir_) services.cargo_target_dir = *cargo_target_dir_;
  auto tool_registry = tools::ToolRegistry::load(ctx_.data_dir / "tools", std::move(services));
  if (!tool_registry) return failed(tool_registry.error());
  tools_ = std::make_unique<tools::ToolRegistry>(std::move(*tool_registry));

  auto store = opening_store_.get();
  if (!store) return failed(store.error());
  store_ = std::make_unique<store::SessionStore>(std::move(*store));

  prompts_ = std::make_unique<engine::PromptBuilder>(ctx_.data_dir / "prompts",
                                                     make_probe(*runner, ctx_.env));
  loaded_ = true;
  return {};
}

}  // namespace

Result<std::unique_ptr<engine::TaskRunner>> make_task_runner(AppContext& ctx, HttpLoading http) {
  return RealTaskRunner::build(ctx, http).transform(
      [](std::unique_ptr<RealTaskRunner> r) -> std::unique_ptr<engine::TaskRunner> { return r; });
}

}  // namespace agentry::app
