#include "engine/tool_access.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "agents/tool_names.hpp"
#include "engine/task_tool.hpp"
#include "mcpclient/tool_names.hpp"

namespace agentry::engine {

namespace {

bool any_matches(const std::vector<std::string>& patterns, std::string_view name) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return agents::tool_pattern_matches(p, name); });
}

bool matches_known(std::string_view pattern, std::span<const std::string_view> known) {
  return std::any_of(known.begin(), known.end(),
                     [&](std::string_view k) { return agents::tool_pattern_matches(pattern, k); });
}

/// True when some name starting with `prefix` matches `pattern` (`*` and `?` as in
/// tool_pattern_matches).
bool may_match_prefix(std::string_view pattern, std::string_view prefix) {
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (i == pattern.size()) return false;
    if (pattern[i] == '*') return true;
    if (pattern[i] != '?' && pattern[i] != prefix[i]) return false;
  }
  return true;
}

/// An MCP tool as entries may name it: the model's name, its server's `mcp__<server>`, and (for
/// opencode's maps) opencode's `<server>_<tool>`.
struct McpNames {
  std::string_view name;
  std::string server_entry;
  std::string opencode;
};

bool names_mcp(const std::vector<std::string>& entries, const McpNames& tool, bool opencode) {
  return std::any_of(entries.begin(), entries.end(), [&](const std::string& entry) {
    return agents::tool_pattern_matches(entry, tool.name) || entry == tool.server_entry ||
           (opencode && agents::tool_pattern_matches(entry, tool.opencode));
  });
}

}  // namespace

bool ToolAccess::offers_mcp(std::string_view name, std::string_view server,
                            std::string_view tool) const {
  std::string part = mcpclient::sanitize_name_part(server);
  McpNames names{name, fmt::format("mcp__{}", part),
                 fmt::format("{}_{}", part, mcpclient::sanitize_name_part(tool))};
  if (names_mcp(agent_.disabled_tools, names, true)) return false;
  if (names_mcp(agent_.enabled_tools, names, true)) return true;
  if (agent_.tools) return names_mcp(*agent_.tools, names, false);
  return true;
}

bool ToolAccess::may_offer_mcp() const {
  if (!agent_.tools || !agent_.enabled_tools.empty()) return true;
  return std::any_of(agent_.tools->begin(), agent_.tools->end(),
                     [](const std::string& e) { return may_match_prefix(e, "mcp__"); });
}

bool ToolAccess::may_offer_server(std::string_view server) const {
  std::string part = mcpclient::sanitize_name_part(server);
  const std::string entry = fmt::format("mcp__{}", part);
  const std::string prefix = entry + "__";
  const std::string opencode_prefix = part + "_";
  // A disabled entry that covers every tool of the server rules it out.
  for (const auto& d : agent_.disabled_tools) {
    if (d == entry || d == prefix + "*" || d == opencode_prefix + "*" || d == "*" || d == "mcp__*")
      return false;
  }
  auto reaches = [&](const std::string& e, bool opencode) {
    return e == entry || may_match_prefix(e, prefix) ||
           (opencode && may_match_prefix(e, opencode_prefix));
  };
  for (const auto& e : agent_.enabled_tools)
    if (reaches(e, true)) return true;
  if (!agent_.tools) return true;
  return std::any_of(agent_.tools->begin(), agent_.tools->end(),
                     [&](const std::string& e) { return reaches(e, false); });
}

bool ToolAccess::offers(std::string_view tool) const {
  if (any_matches(agent_.disabled_tools, tool)) return false;
  if (any_matches(agent_.enabled_tools, tool)) return true;
  if (agent_.tools) return any_matches(*agent_.tools, tool);
  return tool != kTaskToolName || agent_.mode != agents::AgentMode::kSubagent;
}

std::vector<std::string> ToolAccess::listed(std::span<const std::string_view> known) const {
  std::vector<std::string> out;
  auto add = [&](std::string_view name) {
    if (offers(name) && std::find(out.begin(), out.end(), name) == out.end())
      out.emplace_back(name);
  };
  auto add_written = [&](const std::vector<std::string>& written) {
    for (const auto& entry : written) {
      if (!matches_known(entry, known)) {
        add(entry);
        continue;
      }
      for (auto name : known) {
        if (agents::tool_pattern_matches(entry, name)) add(name);
      }
    }
  };
  if (agent_.tools) {
    add_written(*agent_.tools);
  } else {
    for (auto name : known)
      add(name);
  }
  add_written(agent_.enabled_tools);
  return out;
}

bool ToolAccess::open_ended(std::span<const std::string_view> known) const {
  if (!agent_.tools) return true;
  auto beyond = [&](const std::string& entry) { return !matches_known(entry, known); };
  return std::any_of(agent_.tools->begin(), agent_.tools->end(), beyond) ||
         std::any_of(agent_.enabled_tools.begin(), agent_.enabled_tools.end(), beyond);
}

Result<tools::PermissionPolicy> ToolAccess::policy(const tools::PermissionPolicy& config) const {
  return agent_permission_mode(agent_).and_then([&](tools::AgentPermissionMode mode) {
    return config.for_agent(agent_.permission, tools::to_string(mode), agent_.source.string());
  });
}

tools::Permission ToolAccess::decide(const tools::PermissionPolicy& rules,
                                     tools::PermissionMode session, const tools::ToolSpec& spec,
                                     const nlohmann::json& arguments, bool writes_settings) const {
  if (!offers(spec.schema.name)) return tools::Permission::kDeny;
  tools::Permission rule = rules.decide(spec, arguments, writes_settings);
  if (rule == tools::Permission::kAsk &&
      tools::mode_approves(session, tools::call_edits(spec, arguments), writes_settings))
    return tools::Permission::kAllow;
  return rule;
}

Result<tools::AgentPermissionMode> agent_permission_mode(const agents::AgentDefinition& agent) {
  if (!agent.extra.is_object()) return tools::AgentPermissionMode::kDefault;
  auto it = agent.extra.find("permissionMode");
  if (it == agent.extra.end() || it->is_null()) return tools::AgentPermissionMode::kDefault;
  if (!it->is_string())
    return fail(ErrorCode::kConfig,
                fmt::format("permissionMode must be a string, not {}",
                            it->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)),
                agent.source.string(),
                "use default, acceptEdits, bypassPermissions, plan or dontAsk");
  return tools::parse_agent_permission_mode(it->get_ref<const std::string&>(),
                                            agent.source.string());
}

}  // namespace agentry::engine
