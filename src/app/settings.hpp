#pragma once
/// The settings of one command, read once from the merged user and project config (what an
/// untrusted project may set is decided before: project_trust.hpp) and the global flags, into
/// typed values. Each value remembers where it came from ("FILE:LINE:COL", "default", or the
/// flag that set it), and a value of the wrong type or shape (`sandbox: maybe`, `max_steps:
/// lots`, `cargo_target_dir: 5`) is an ErrorCode::kConfig error naming the file:line:col that
/// set it and what is expected: never a silent default. Every command reads its config through
/// these (app::Services::settings()), so no two of them can read one value two ways.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "app/app_context.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "engine/engine.hpp"
#include "llm/provider_config.hpp"
#include "mcpclient/server_config.hpp"
#include "tools/permissions.hpp"

namespace agentry::app {

/// Where a setting without a file:line came from.
inline constexpr const char* kDefaultOrigin = "default";

/// A value and where it was set.
template <class T>
struct Setting {
  T value{};
  std::string origin = kDefaultOrigin;  ///< "FILE:LINE:COL", "default", or a flag ("--sandbox")
};

struct Settings {
  /// Tools run under bubblewrap (`sandbox`: on, off, true, false, {enabled: BOOL}; --sandbox).
  Setting<bool> sandbox;
  /// CARGO_TARGET_DIR of the cargo tools; nullopt: cargo's own (target/ in the crate).
  Setting<std::optional<std::filesystem::path>> cargo_target_dir;
  Setting<int> max_steps;
  Setting<int> max_depth;
  /// `check_after_edit: on | off`: `cargo check` after each edit of Rust files, for agents
  /// whose file does not say (rust-pro's says on). Default off.
  Setting<bool> check_after_edit;
  /// `check_after_edit_budget`: seconds the check may take (a number, fractions allowed;
  /// default 20); over it the check is stopped and the model gets a one-line note.
  Setting<std::chrono::milliseconds> check_after_edit_budget{std::chrono::seconds(20)};
  /// `tool_search: auto | always | never` with `tool_search_max_tools` (default 40) and
  /// `tool_search_max_tokens` (default 10000): when MCP tools are left out of requests until
  /// the model searches for them (engine/tool_search.hpp). Origin: where `tool_search` was set.
  Setting<engine::ToolSearchSettings> tool_search;
  /// The agent a task goes to when none is named.
  Setting<std::string> default_agent;
  /// The config's `permissions` over the tools' defaults.
  Setting<tools::PermissionPolicy> permissions;
  /// The model providers (each ProviderConfig says where it was configured).
  llm::LlmConfig llm;
  /// The MCP servers of `mcp_servers:` (user config; a trusted project's too), by name.
  std::vector<mcpclient::ServerConfig> mcp_servers;
  /// The config's `hooks:` (Claude Code's shape, engine/hook_config.hpp): the user's, and a
  /// trusted project's; `.claude/settings.json` hooks are read by hook_settings.hpp.
  engine::HookSet hooks;
  /// What of `hooks:` was ignored (unknown events, hook types other than command).
  std::vector<std::string> hook_warnings;
  /// The SQLite session store: --session-db, else the default under the user's data folder.
  Setting<std::filesystem::path> session_db;

  /// The engine's limits from these settings.
  engine::EngineLimits engine_limits() const;
};

/// The `mcp_servers:` mapping of `config` (mcpclient/server_config.hpp); a bad entry is a
/// kConfig error naming the file:line:col of the value.
[[nodiscard]] Result<std::vector<mcpclient::ServerConfig>> read_mcp_servers(const Config& config,
                                                                            const Environment& env);

/// `~` and `~/…` from $HOME; any other path as written.
std::filesystem::path expand_home(const std::string& text, const Environment& env);

/// Reads the settings of `config` (the merged config) with the global flags of `ctx`
/// (--sandbox, --session-db) and its environment (providers from variables, the default store).
[[nodiscard]] Result<Settings> read_settings(const Config& config, const AppContext& ctx);

/// The same over ctx.config (whose load error, if any, is returned).
[[nodiscard]] Result<Settings> read_settings(const AppContext& ctx);

}  // namespace agentry::app
