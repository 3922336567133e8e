#include "app/settings.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "app/config_settings.hpp"
#include "store/session_store.hpp"

namespace agentry::app {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// The value at `pointer`, or null when unset or written with no value (`key:`).
const json* set_value(const Config& config, std::string_view pointer) {
  const json* value = config.find(pointer);
  return value == nullptr || value->is_null() ? nullptr : value;
}

Error wrong_shape(const Config& config, std::string_view key, const json& value,
                  std::string expected) {
  return Error(
      ErrorCode::kConfig,
      fmt::format("`{}` is {}", key, value.dump(-1, ' ', false, json::error_handler_t::replace)),
      config.where(fmt::format("/{}", key)), std::move(expected));
}

/// A top-level key that must be a non-empty string; nullopt when unset.
Result<std::optional<Setting<std::string>>> text_setting(const Config& config, std::string_view key,
                                                         std::string expected) {
  const std::string pointer = fmt::format("/{}", key);
  const json* value = set_value(config, pointer);
  if (value == nullptr) return std::optional<Setting<std::string>>();
  if (!value->is_string() || value->get_ref<const std::string&>().empty())
    return tl::make_unexpected(wrong_shape(config, key, *value, std::move(expected)));
  return std::optional<Setting<std::string>>(
      Setting<std::string>{value->get<std::string>(), config.where(pointer)});
}

Result<Setting<bool>> read_sandbox(const Config& config, bool flag) {
  if (flag) return Setting<bool>{true, "--sandbox"};
  auto on = sandbox_setting(config);
  if (!on) return tl::make_unexpected(on.error());
  if (!*on) return Setting<bool>{false, kDefaultOrigin};
  return Setting<bool>{**on, config.where("/sandbox")};
}

Result<Setting<int>> read_limit(const Config& config, std::string_view key) {
  const auto& limit = limit_named(key);
  auto value = limit_setting(config, limit);
  if (!value) return tl::make_unexpected(value.error());
  if (!*value) return Setting<int>{limit.fallback, kDefaultOrigin};
  return Setting<int>{**value, config.where(fmt::format("/{}", key))};
}

/// `trusted_projects` is read before the merge (project_trust.cpp), where a wrong shape would
/// only mean "not trusted": here it is reported.
Result<void> check_trusted_projects(const Config& config) {
  const json* value = set_value(config, "/trusted_projects");
  if (value == nullptr) return {};
  bool ok = value->is_array();
  for (std::size_t i = 0; ok && i < value->size(); ++i)
    ok = (*value)[i].is_string();
  if (ok) return {};
  return tl::make_unexpected(wrong_shape(config, "trusted_projects", *value,
                                         "write a list of project folders, e.g. "
                                         "`trusted_projects: [~/src/mycrate]`"));
}

/// `check_after_edit`: on, off, true or false.
Result<Setting<bool>> read_check_after_edit(const Config& config) {
  const json* value = set_value(config, "/check_after_edit");
  if (value == nullptr) return Setting<bool>{false, kDefaultOrigin};
  if (value->is_boolean())
    return Setting<bool>{value->get<bool>(), config.where("/check_after_edit")};
  if (value->is_string() && (*value == "on" || *value == "off"))
    return Setting<bool>{*value == "on", config.where("/check_after_edit")};
  return tl::make_unexpected(
      wrong_shape(config, "check_after_edit", *value,
                  "write `check_after_edit: on` or `check_after_edit: off`"));
}

/// `check_after_edit_budget`: seconds, more than 0 and at most an hour.
Result<Setting<std::chrono::milliseconds>> read_check_budget(const Config& config) {
  const json* value = set_value(config, "/check_after_edit_budget");
  if (value == nullptr) return Setting<std::chrono::milliseconds>{std::chrono::seconds(20)};
  if (value->is_number()) {
    double seconds = value->get<double>();
    if (seconds > 0 && seconds <= 3600)
      return Setting<std::chrono::milliseconds>{std::chrono::milliseconds(std::max<std::int64_t>(
                                                    1, static_cast<std::int64_t>(seconds * 1000))),
                                                config.where("/check_after_edit_budget")};
  }
  return tl::make_unexpected(wrong_shape(config, "check_after_edit_budget", *value,
                                         "write the seconds the check may take, e.g. "
                                         "`check_after_edit_budget: 20`"));
}

/// `tool_search`: auto, always or never; its budgets: whole numbers of at least 1.
Result<Setting<engine::ToolSearchSettings>> read_tool_search(const Config& config) {
  Setting<engine::ToolSearchSettings> out;
  if (const json* value = set_value(config, "/tool_search")) {
    auto mode = value->is_string() ? engine::parse_tool_search_mode(value->get<std::string>())
                                   : std::nullopt;
    if (!mode)
      return tl::make_unexpected(wrong_shape(config, "tool_search", *value,
                                             "write `tool_search: auto`, `always` or `never`"));
    out.value.mode = *mode;
    out.origin = config.where("/tool_search");
  }
  auto budget = [&](std::string_view key, std::int64_t max, auto& slot) -> Result<void> {
    const json* value = set_value(config, fmt::format("/{}", key));
    if (value == nullptr) return {};
    if (value->is_number_integer() && value->get<std::int64_t>() >= 1 &&
        value->get<std::int64_t>() <= max) {
      slot = static_cast<std::remove_reference_t<decltype(slot)>>(value->get<std::int64_t>());
      return {};
    }
    return tl::make_unexpected(wrong_shape(
        config, key, *value,
        fmt::format("write a whole number from 1 to {}, e.g. `{}: {}`", max, key, slot)));
  };
  if (auto ok = budget("tool_search_max_tools", 100000, out.value.max_tools); !ok)
    return tl::make_unexpected(ok.error());
  if (auto ok = budget("tool_search_max_tokens", 10000000, out.value.max_tokens); !ok)
    return tl::make_unexpected(ok.error());
  return out;
}

}  // namespace

Result<std::vector<mcpclient::ServerConfig>> read_mcp_servers(const Config& config,
                                                              const Environment& env) {
  std::vector<mcpclient::ServerConfig> servers;
  const json* section = set_value(config, "/mcp_servers");
  if (section == nullptr) return servers;
  if (!section->is_object())
    return tl::make_unexpected(wrong_shape(config, "mcp_servers", *section,
                                           "write a mapping of server names to their settings, "
                                           "e.g. `mcp_servers: {memory: {command: npx, args: "
                                           "[-y, \"@modelcontextprotocol/server-memory\"]}}`"));
  for (const auto& [name, entry] : section->items()) {
    const std::string base = fmt::format("/mcp_servers/{}", json_pointer_segment(name));
    auto server = mcpclient::parse_server_config(name, entry, env, [&](std::string_view pointer) {
      return config.where(fmt::format("{}{}", base, pointer));
    });
    if (!server) return tl::make_unexpected(server.error());
    servers.push_back(std::move(*server));
  }
  return servers;
}

fs::path expand_home(const std::string& text, const Environment& env) {
  if (text == "~" || text.starts_with("~/")) {
    if (auto home = env.get("HOME"); home && !home->empty())
      return fs::path(*home) / text.substr(text.size() > 1 ? 2 : 1);
  }
  return text;
}

engine::EngineLimits Settings::engine_limits() const {
  engine::EngineLimits limits;
  limits.max_steps = max_steps.value;
  limits.max_depth = max_depth.value;
  limits.default_agent = default_agent.value;
  limits.check_after_edit = check_after_edit.value;
  limits.tool_search = tool_search.value;
  return limits;
}

Result<Settings> read_settings(const Config& config, const AppContext& ctx) {
  Settings settings;
  auto sandbox = read_sandbox(config, ctx.sandbox);
  if (!sandbox) return tl::make_unexpected(sandbox.error());
  settings.sandbox = std::move(*sandbox);

  auto target = text_setting(config, "cargo_target_dir",
                             "write a directory, e.g. `cargo_target_dir: ~/.cache/agentry-target`");
  if (!target) return tl::make_unexpected(target.error());
  if (*target)
    settings.cargo_target_dir = {expand_home((*target)->value, ctx.env), (*target)->origin};

  for (auto [key, slot] :
       {std::pair{"max_steps", &settings.max_steps}, std::pair{"max_depth", &settings.max_depth}}) {
    auto value = read_limit(config, key);
    if (!value) return tl::make_unexpected(value.error());
    *slot = *value;
  }

  auto check = read_check_after_edit(config);
  if (!check) return tl::make_unexpected(check.error());
  settings.check_after_edit = *check;
  auto budget = read_check_budget(config);
  if (!budget) return tl::make_unexpected(budget.error());
  settings.check_after_edit_budget = *budget;
  auto search = read_tool_search(config);
  if (!search) return tl::make_unexpected(search.error());
  settings.tool_search = *search;

  settings.default_agent.value = engine::EngineLimits{}.default_agent;
  auto agent = text_setting(config, "default_agent",
                            "write one agent's name, e.g. `default_agent: orchestrator`");
  if (!agent) return tl::make_unexpected(agent.error());
  if (*agent) settings.default_agent = std::move(**agent);

  if (const json* section = set_value(config, "/permissions")) {
    auto where = config.where("/permissions");
    auto policy = tools::PermissionPolicy::from_config(*section, where);
    if (!policy) return tl::make_unexpected(policy.error());
    settings.permissions = {std::move(*policy), std::move(where)};
  }

  auto llm = llm::load_llm_config(config, ctx.env);
  if (!llm) return tl::make_unexpected(llm.error());
  settings.llm = std::move(*llm);

  auto mcp = read_mcp_servers(config, ctx.env);
  if (!mcp) return tl::make_unexpected(mcp.error());
  settings.mcp_servers = std::move(*mcp);

  if (const json* section = set_value(config, "/hooks")) {
    auto hooks = engine::parse_hooks(*section, config.where("/hooks"));
    if (!hooks) return tl::make_unexpected(hooks.error());
    settings.hooks = std::move(hooks->hooks);
    settings.hook_warnings = std::move(hooks->warnings);
  }

  if (auto trusted = check_trusted_projects(config); !trusted)
    return tl::make_unexpected(trusted.error());

  settings.session_db = ctx.session_db.empty()
                            ? Setting<fs::path>{store::default_session_db_path(ctx.env)}
                            : Setting<fs::path>{ctx.session_db, "--session-db"};
  return settings;
}

Result<Settings> read_settings(const AppContext& ctx) {
  if (!ctx.config) return tl::make_unexpected(ctx.config.error());
  return read_settings(*ctx.config, ctx);
}

}  // namespace agentry::app
