#include "engine/registry_tool_host.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace agentry::engine {

bool tool_pattern_matches(std::string_view pattern, std::string_view name) {
  auto star = pattern.find('*');
  if (star == std::string_view::npos) return pattern == name;
  auto head = pattern.substr(0, star);
  if (!name.starts_with(head)) return false;
  auto rest = pattern.substr(star + 1);
  // Try every split point for the rest (patterns are short: a few stars at most).
  for (std::size_t i = head.size(); i <= name.size(); ++i) {
    if (tool_pattern_matches(rest, name.substr(i))) return true;
  }
  return false;
}

bool RegistryToolHost::allowed(const agents::AgentDefinition& agent,
                               const std::string& tool) const {
  for (const auto& off : agent.disabled_tools) {
    if (tool_pattern_matches(off, tool)) return false;
  }
  if (!agent.tools) return true;
  return std::any_of(agent.tools->begin(), agent.tools->end(),
                     [&](const std::string& t) { return tool_pattern_matches(t, tool); });
}

std::vector<ToolSchema> RegistryToolHost::schemas_for(const agents::AgentDefinition& agent) const {
  std::vector<ToolSchema> out;
  for (const auto& tool : registry_.tools()) {
    if (allowed(agent, tool->spec().schema.name)) out.push_back(tool->spec().schema);
  }
  return out;
}

Result<tools::PermissionPolicy> RegistryToolHost::policy_for(const agents::AgentDefinition& agent) {
  std::lock_guard lock(mutex_);
  if (auto it = agent_policies_.find(agent.name); it != agent_policies_.end()) return it->second;
  std::string mode;
  if (agent.extra.is_object()) {
    if (auto it = agent.extra.find("permissionMode"); it != agent.extra.end() && it->is_string())
      mode = it->get<std::string>();
  }
  auto policy = policy_.for_agent(agent.permission, mode, agent.source.string());
  if (!policy) return policy;
  return agent_policies_.emplace(agent.name, std::move(*policy)).first->second;
}

bool RegistryToolHost::writes(const ToolCall& call) const {
  const tools::Tool* tool = registry_.find(call.name);
  if (tool == nullptr) return true;  // the call fails fast anyway; keep it in order
  if (!call.arguments.is_object()) return tool->spec().writes;
  return tools::call_writes(tool->spec(), call.arguments);
}

Result<ToolResult> RegistryToolHost::execute(const agents::AgentDefinition& agent,
                                             const ToolCall& call,
                                             const tools::ToolContext& context) {
  if (registry_.find(call.name) == nullptr || !allowed(agent, call.name)) {
    std::string names;
    for (const auto& s : schemas_for(agent))
      names += (names.empty() ? "" : ", ") + s.name;
    return ToolResult{call.id, call.name,
                      fmt::format("unknown tool '{}'; the tools you can call are: {}", call.name,
                                  names.empty() ? "(none)" : names),
                      true};
  }
  auto policy = policy_for(agent);
  if (!policy) return tl::make_unexpected(policy.error());
  auto output = invoker_.invoke(call, context, *policy);
  if (!output) return tl::make_unexpected(output.error());
  return ToolResult{call.id, call.name, std::move(output->content), output->is_error};
}

}  // namespace agentry::engine
