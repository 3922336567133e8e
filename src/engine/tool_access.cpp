#include "engine/tool_access.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "agents/tool_names.hpp"
#include "engine/task_tool.hpp"

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

}  // namespace

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
