#include "app/services.hpp"

#include <algorithm>
#include <system_error>

#include <fmt/format.h>

#include "app/hook_settings.hpp"
#include "app/mcp_settings.hpp"
#include "app/runtime.hpp"
#include "core/paths.hpp"
#include "app/shell_hook_runner.hpp"
#include "engine/llm_model_resolver.hpp"
#include "fakellm/script.hpp"
#include "llm/provider_factory.hpp"
#include "tools/permissions.hpp"
#include "tools/sandbox.hpp"
#include "tools/tool_invoker.hpp"
#include "tools/tool_spec_loader.hpp"

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

/// The user's instructions files, in the order they go into every prompt; the project's are
/// found from the working directory (engine/instructions.hpp). An untrusted project's are read
/// too: they are text for the model, as the project's other files (project_trust.hpp).
engine::PromptOptions prompt_options(const AppContext& ctx) {
  engine::PromptOptions options;
  options.instructions.user_files = {user_config_dir(ctx.env) / "AGENTS.md",
                                     ctx.env.home() / ".claude" / "CLAUDE.md"};
  options.instructions.home = ctx.env.home();
  options.log = ctx.log;
  return options;
}

template <class T>
Result<std::unique_ptr<T>> owned(Result<T> made) {
  return std::move(made).transform([](T value) { return std::make_unique<T>(std::move(value)); });
}

}  // namespace

Services::Services(AppContext& ctx) : ctx_(ctx) {}

Services::~Services() = default;

Result<const Settings*> Services::settings() {
  return settings_.get([this] { return owned(read_settings(ctx_)); })
      .transform([](Settings* s) -> const Settings* { return s; });
}

agents::Registry Services::agent_registry() const {
  return agents::Registry::load(
      agents::agent_search_path(ctx_.env, ctx_.data_dir, ctx_.cwd, ctx_.agent_dirs));
}

agents::Registry Services::agent_files(const std::vector<fs::path>& paths) const {
  return agents::Registry::from_loaded(agents::load_paths(paths, "extra"));
}

Result<RegistryCatalog*> Services::catalog() {
  return catalog_.get([this]() -> Result<std::unique_ptr<RegistryCatalog>> {
    auto settings = this->settings();
    if (!settings) return tl::make_unexpected(settings.error());
    return load_registry_catalog(ctx_, (*settings)->max_steps.value);
  });
}

engine::ProviderFactory Services::provider_factory() {
  return [this, log = ctx_.log](
             const llm::ProviderConfig& config) -> Result<std::shared_ptr<llm::Provider>> {
    return llm::make_provider(config, ctx_.env, llm::ProviderServices{curl_, log})
        .transform(
            [](std::unique_ptr<llm::Provider> p) -> std::shared_ptr<llm::Provider> { return p; });
  };
}

Result<std::shared_ptr<llm::Provider>> Services::provider(const llm::ProviderConfig& config) {
  return provider_factory()(config);
}

Result<engine::ModelResolver*> Services::models() {
  return models_.get([this]() -> Result<std::unique_ptr<engine::ModelResolver>> {
    auto settings = this->settings();
    if (!settings) return tl::make_unexpected(settings.error());
    return std::make_unique<engine::LlmModelResolver>((*settings)->llm, provider_factory());
  });
}

void Services::start_loading_http() {
  if (loading_curl_.valid()) return;
  loading_curl_ = std::async(std::launch::async, [curl = &curl_] { (void)curl->api(); });
}

Result<tools::ProcessRunner*> Services::tool_runner() {
  auto settings = this->settings();
  if (!settings) return tl::make_unexpected(settings.error());
  if (!(*settings)->sandbox.value) return &posix_runner_;
  return sandboxed_runner_.get([this]() -> Result<std::unique_ptr<tools::ProcessRunner>> {
    auto probe = tools::Sandbox::probe(posix_runner_, ctx_.env);
    if (!probe) return tl::make_unexpected(probe.error());
    return std::make_unique<tools::SandboxedRunner>(posix_runner_, std::move(*probe));
  });
}

Result<std::vector<tools::ToolSpec>> Services::tool_specs() const {
  return tools::load_tool_specs(ctx_.data_dir / "tools");
}

Result<tools::ToolServices> Services::tool_services() {
  auto settings = this->settings();
  if (!settings) return tl::make_unexpected(settings.error());
  auto runner = tool_runner();
  if (!runner) return tl::make_unexpected(runner.error());
  tools::ToolServices services;
  services.runner = *runner;
  services.environment = ctx_.env;
  services.log = ctx_.log;
  services.redactor = ctx_.redactor;
  services.cargo_target_dir = (*settings)->cargo_target_dir.value;
  return services;
}

Result<tools::ToolRegistry*> Services::tool_registry() {
  return tools_.get([this]() -> Result<std::unique_ptr<tools::ToolRegistry>> {
    auto services = tool_services();
    if (!services) return tl::make_unexpected(services.error());
    return owned(tools::ToolRegistry::load(ctx_.data_dir / "tools", std::move(*services)));
  });
}

Result<tools::EditChecker*> Services::edit_checker() {
  return edit_checker_.get([this]() -> Result<std::unique_ptr<tools::EditChecker>> {
    auto services = tool_services();
    if (!services) return tl::make_unexpected(services.error());
    tools::EditCheckOptions options;
    options.budget = (*settings())->check_after_edit_budget.value;
    return std::make_unique<tools::EditChecker>(std::move(*services), options);
  });
}

Result<tools::ToolOutput> Services::run_tool_by_hand(const ToolCall& call, std::stop_token stop) {
  auto registry = tool_registry();
  if (!registry) return tl::make_unexpected(registry.error());
  auto policy = tools::PermissionPolicy().for_agent(nullptr, "bypassPermissions", "tools run");
  if (!policy) return tl::make_unexpected(policy.error());
  tools::ToolInvoker invoker(**registry, nullptr);
  return invoker.invoke(call, tools::ToolContext{ctx_.cwd, std::move(stop)}, *policy);
}

void Services::start_opening_session_store() {
  std::lock_guard lock(store_mutex_);
  if (store_ || store_error_ || opening_store_.valid()) return;
  auto settings = this->settings();
  if (!settings) return;  // reported by whoever needs the store
  opening_store_ = std::async(std::launch::async, [db = (*settings)->session_db.value] {
    // kNormal: a commit survives a crash or kill of agentry (what --continue and the store's
    // guarantee need) without an fsync per turn; only a power loss may drop the last turns.
    store::StoreOptions options;
    options.sync = store::StoreOptions::Sync::kNormal;
    return store::SessionStore::open(db, options);
  });
}

Result<store::SessionStore*> Services::wait_for_store() {
  std::lock_guard lock(store_mutex_);
  if (opening_store_.valid()) {
    auto opened = opening_store_.get();
    if (opened) {
      store_ = std::make_unique<store::SessionStore>(std::move(*opened));
    } else {
      store_error_ = opened.error();
    }
  }
  if (store_error_) return tl::make_unexpected(*store_error_);
  return store_.get();
}

Result<store::SessionStore*> Services::session_store() {
  start_opening_session_store();
  auto settings = this->settings();
  if (!settings) return tl::make_unexpected(settings.error());
  return wait_for_store();
}

Result<store::SessionStore*> Services::existing_session_store() {
  auto settings = this->settings();
  if (!settings) return tl::make_unexpected(settings.error());
  {
    std::lock_guard lock(store_mutex_);
    std::error_code ec;
    if (!store_ && !store_error_ && !opening_store_.valid() &&
        !fs::exists((*settings)->session_db.value, ec))
      return nullptr;
  }
  return session_store();
}

Result<engine::Undo> Services::undo() {
  auto store = existing_session_store();
  if (!store) return tl::make_unexpected(store.error());
  if (*store == nullptr)
    return fail(ErrorCode::kNotFound, "no session to undo: agentry has not run here yet", "",
                "undo works on the sessions of `agentry run` and `agentry chat`");
  return engine::Undo(**store);
}

Result<engine::Hooks*> Services::hooks() {
  return hooks_.get([this]() -> Result<std::unique_ptr<engine::Hooks>> {
    auto settings = this->settings();
    if (!settings) return tl::make_unexpected(settings.error());
    auto sources = hook_sources(**settings, ctx_);
    if (!sources) return tl::make_unexpected(sources.error());
    for (const auto& warning : sources->warnings)
      if (ctx_.log) ctx_.log->warn("{}", warning);
    auto runner = hook_runner_.get([this]() -> Result<std::unique_ptr<engine::HookCommandRunner>> {
      return std::make_unique<ShellHookRunner>(posix_runner_, ctx_.env, ctx_.redactor);
    });
    if (!runner) return tl::make_unexpected(runner.error());
    return std::make_unique<engine::Hooks>(std::move(sources->hooks), **runner, ctx_.log);
  });
}

Result<mcpclient::ServerPool*> Services::mcp_pool() {
  return mcp_pool_.get([this]() -> Result<std::unique_ptr<mcpclient::ServerPool>> {
    auto settings = this->settings();
    if (!settings) return tl::make_unexpected(settings.error());
    auto servers = mcp_servers(**settings, ctx_);
    if (!servers) return tl::make_unexpected(servers.error());
    if (!servers->blocked.empty() && ctx_.log) ctx_.log->warn("{}", servers->blocked_reason);
    return std::make_unique<mcpclient::ServerPool>(
        std::move(servers->servers), std::move(servers->blocked),
        std::move(servers->blocked_reason), mcp_pool_options());
  });
}

mcpclient::PoolOptions Services::mcp_pool_options() {
  mcpclient::PoolOptions options;
  options.env = ctx_.env;
  options.cwd = ctx_.cwd;
  options.log = ctx_.log;
  options.curl = &curl_;
  return options;
}

bool Services::mcp_configured() {
  auto settings = this->settings();
  if (!settings) return true;  // mcp_pool() reports the error
  if (!(*settings)->mcp_servers.empty()) return true;
  std::error_code ec;
  return !ctx_.trust_advice.root.empty() && fs::exists(ctx_.trust_advice.root / ".mcp.json", ec);
}

Result<std::vector<std::string>> Services::mcp_server_names() {
  auto settings = this->settings();
  if (!settings) return tl::make_unexpected(settings.error());
  auto servers = mcp_servers(**settings, ctx_);
  if (!servers) return tl::make_unexpected(servers.error());
  std::vector<std::string> names;
  for (const auto* list : {&servers->servers, &servers->blocked})
    for (const auto& server : *list)
      names.push_back(server.name);
  return names;
}

Result<mcpclient::ServerPool*> Services::agent_mcp_pool(const agents::AgentDefinition& agent) {
  if (!agent.mcp_servers) return nullptr;
  std::lock_guard lock(agent_pools_mutex_);
  const std::string key = agent.source.string() + '\n' + agent.name;
  if (auto it = agent_pools_.find(key); it != agent_pools_.end()) return it->second.get();
  std::vector<mcpclient::ServerConfig> servers;
  std::vector<std::string> names;
  for (const auto& entry : *agent.mcp_servers) {
    if (entry.definition.is_null()) continue;
    auto where = [&](std::string_view pointer) {
      std::string member(pointer);
      std::replace(member.begin(), member.end(), '/', '.');
      return fmt::format("{}:{}:{}: mcpServers.{}{}", agent.source.string(), entry.line,
                         entry.column, entry.name, member);
    };
    auto parsed = mcpclient::parse_server_config(entry.name, entry.definition, ctx_.env, where);
    if (!parsed) return tl::make_unexpected(parsed.error());
    parsed->origin = where("");
    servers.push_back(std::move(*parsed));
    names.push_back(entry.name);
  }
  if (servers.empty()) return nullptr;
  std::vector<mcpclient::ServerConfig> blocked;
  std::string reason;
  // An untrusted project's agent file may not start programs, as its .mcp.json may not.
  if (agent.scope == "project" && !ctx_.project_trusted) {
    blocked = std::move(servers);
    servers.clear();
    reason = fmt::format(
        "the project {} is not trusted, so the MCP servers that its agent file {} defines ({}) "
        "are not started; to trust it, add it to `trusted_projects:` in {} or pass "
        "--trust-project",
        ctx_.trust_advice.root.string(), agent.source.string(), fmt::join(names, ", "),
        ctx_.trust_advice.user_config.string());
    if (ctx_.log) ctx_.log->warn("{}", reason);
  }
  auto pool = std::make_unique<mcpclient::ServerPool>(std::move(servers), std::move(blocked),
                                                      std::move(reason), mcp_pool_options());
  return agent_pools_.emplace(key, std::move(pool)).first->second.get();
}

Result<engine::PromptBuilder*> Services::prompt_builder() {
  return prompts_.get([this]() -> Result<std::unique_ptr<engine::PromptBuilder>> {
    auto runner = tool_runner();
    if (!runner) return tl::make_unexpected(runner.error());
    return std::make_unique<engine::PromptBuilder>(
        ctx_.data_dir / "prompts", make_probe(**runner, ctx_.env), prompt_options(ctx_));
  });
}

std::unique_ptr<TerminalApprover> Services::terminal_approver() const {
  return TerminalApprover::open();
}

Result<std::unique_ptr<fakellm::FakeLlmServer>> Services::start_scripted_model(
    const fs::path& script_file) const {
  auto script = fakellm::load_script(script_file);
  if (!script) return tl::make_unexpected(script.error());
  return fakellm::FakeLlmServer::start(std::move(*script));
}

Result<std::unique_ptr<engine::TaskRunner>> Services::task_runner(HttpLoading http) {
  return make_task_runner(*this, http);
}

}  // namespace agentry::app
