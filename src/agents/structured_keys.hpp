#pragma once
/// The shapes of the agent keys that hold structure rather than one value (Claude Code's
/// `skills`, `hooks`, `mcpServers`, `permissionMode`): checked where they are written, so that a
/// mistake is reported at file:line:column by `agents validate`, and kept as written for the
/// parts of agentry that act on them (skills, hooks, MCP servers, the tool-access policy).
#include <array>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "agents/diagnostic.hpp"
#include "agents/yaml_value.hpp"

namespace agentry::agents {

/// How a check reports a problem at a value.
using ReportAt = std::function<void(Severity, const YamlValue&, std::string)>;

/// Claude Code's hook events (what a `hooks` mapping may name).
inline constexpr std::array<std::string_view, 12> kHookEvents = {
    "PreToolUse", "PostToolUse",  "PostToolUseFailure", "UserPromptSubmit",
    "Stop",       "SubagentStop", "SubagentStart",      "SessionStart",
    "SessionEnd", "Notification", "PreCompact",         "PermissionRequest"};

/// `skills`: a list of names or one comma-separated string. Items that are not names are
/// reported and left out.
std::vector<std::string> read_skill_names(const YamlValue& value, const ReportAt& report);

/// `hooks`: event -> list of {matcher: string, hooks: [{type: command, command: string,
/// timeout: seconds}]}. The whole value as JSON when its shape is right; nullopt, with a warning
/// at the first wrong part, otherwise (hooks half understood are not run). An event Claude Code
/// does not define is a warning, but kept.
std::optional<nlohmann::json> read_hooks(const YamlValue& value, const ReportAt& report);

/// `mcpServers`: a list of server names and {name: config} mappings, or a mapping of name ->
/// config, where a config is a mapping with a `command` or a `url`. The value as JSON when its
/// shape is right; nullopt with a warning otherwise.
std::optional<nlohmann::json> read_mcp_servers(const YamlValue& value, const ReportAt& report);

/// `permissionMode`: one of Claude Code's modes (any ASCII case). False, with a warning, for
/// anything else (the engine then refuses to run the agent, naming the file).
bool check_permission_mode(const YamlValue& value, const ReportAt& report);

}  // namespace agentry::agents
