#pragma once
/// Which tools an agent may call, and what happens to each call: the one answer every place
/// asks (the engine's `task` tool and the toolchain facts of its prompt, the tool host's schema
/// list and refusals, chat's /tools, `agents list|show`, batch's "may this task write?").
///
/// What an agent is offered, from its definition:
/// - a tool matched by a `disabled_tools` pattern (opencode `tools: {x: false}`, Claude Code
///   `disallowedTools`) is never offered; a disabled pattern wins over everything below;
/// - one matched by an `enabled_tools` pattern (opencode `tools: {x: true}`) is offered;
/// - with a `tools` list, exactly what its names and patterns match (`*` any run of characters,
///   `?` one character: agents::tool_pattern_matches), `task` and names agentry does not know
///   (an MCP tool such as `mcp__github__create_issue`) included: `tools: ["*"]` offers `task`;
/// - without one, every tool that exists, except that a subagent (`mode: subagent`) is not
///   offered `task`: a subagent delegates only when its file says so.
/// Whether `task` exists at all (a subagent to hand work to, depth left) is the engine's call.
///
/// An MCP server's tool (offers_mcp) is named `mcp__<server>__<tool>` (mcpclient/tool_names).
/// A `tools`, `disallowedTools` or opencode map entry reaches it by that name or a pattern of it
/// (`mcp__memory__*`, `mcp__*`), or by its server's (`mcp__memory`: every tool of server
/// memory); an opencode map entry also by opencode's own name `<server>_<tool>` (`memory_*`).
///
/// What happens to a call of an offered tool: the permission rules (agentry's defaults, the
/// config's `permissions`, the agent's `permission`), rewritten by the agent's `permissionMode`
/// (tools::PermissionPolicy), then the session's `--permission-mode` approves what is left at
/// ask (tools::mode_approves). A tool not offered is denied. A running engine takes these steps
/// apart: the tool host refuses what is not offered, the ToolInvoker asks the policy(), and the
/// front-end's approver applies mode_approves to what asks; decide() is the same in one call.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "agents/agent_definition.hpp"
#include "core/error.hpp"
#include "tools/permission_mode.hpp"
#include "tools/permissions.hpp"

namespace agentry::engine {

class ToolAccess {
 public:
  /// `agent` must outlive this object.
  explicit ToolAccess(const agents::AgentDefinition& agent) : agent_(agent) {}

  /// True when the agent is offered `tool` (given that it exists).
  bool offers(std::string_view tool) const;

  /// True when the agent is offered `tool` of MCP server `server`, which the model calls
  /// `name`. Whether the agent reaches the server at all (`mcpServers`) is the tool host's call.
  bool offers_mcp(std::string_view name, std::string_view server, std::string_view tool) const;

  /// False when no MCP tool can be offered to the agent whatever servers there are: its `tools`
  /// list names none and it enables none (so no server need start and no pool be built).
  bool may_offer_mcp() const;

  /// False when no tool of MCP server `server` can be offered to the agent, whatever the server
  /// lists: it need not be started for this agent (rust-pro, whose `tools` names none).
  bool may_offer_server(std::string_view server) const;

  /// The agent's tools as `agents list|show` print them: its `tools` list in the order written
  /// (else `known` in its order, then the enabled extras), names and patterns matching `known`
  /// tools replaced by those tools, the rest kept as written (a tool agentry may gain, such as an
  /// MCP tool), every entry one the agent is offered.
  std::vector<std::string> listed(std::span<const std::string_view> known) const;

  /// True when the agent may be offered tools beyond `known`: it has no `tools` list (every
  /// tool that exists, MCP tools to come included), or it lists or enables a name or pattern that
  /// matches none of `known` (`mcp__github__*`). A pattern that matches a known tool (`cargo_*`,
  /// `*`) is read as standing for the known tools it matches.
  bool open_ended(std::span<const std::string_view> known) const;

  /// The rules for this agent's calls: `config` (agentry's defaults and the config's
  /// `permissions`) with the agent's `permission` and `permissionMode` on top. A bad value is a
  /// kConfig error naming the agent file.
  [[nodiscard]] Result<tools::PermissionPolicy> policy(const tools::PermissionPolicy& config) const;

  /// allow, ask or deny for one call of `spec` with `arguments`: deny when the agent is not
  /// offered the tool, else `rules` (from policy()) with `session` approving what asks.
  /// `writes_settings` as tools::call_writes_settings found it.
  tools::Permission decide(const tools::PermissionPolicy& rules, tools::PermissionMode session,
                           const tools::ToolSpec& spec, const nlohmann::json& arguments,
                           bool writes_settings) const;

 private:
  const agents::AgentDefinition& agent_;
};

/// The agent's `permissionMode` (kept in AgentDefinition::extra), parsed; absent is kDefault, a
/// value that is not one of the modes (or not a string) a kConfig error naming the agent file.
[[nodiscard]] Result<tools::AgentPermissionMode> agent_permission_mode(
    const agents::AgentDefinition& agent);

}  // namespace agentry::engine
