#include "engine/registry_tool_host.hpp"

#include <fmt/format.h>

#include "engine/tool_access.hpp"

namespace agentry::engine {

std::vector<ToolSchema> RegistryToolHost::schemas_for(const agents::AgentDefinition& agent) const {
  ToolAccess access(agent);
  std::vector<ToolSchema> out;
  for (const auto& tool : registry_.tools()) {
    if (access.offers(tool->spec().schema.name)) out.push_back(tool->spec().schema);
  }
  return out;
}

Result<tools::PermissionPolicy> RegistryToolHost::policy_for(const agents::AgentDefinition& agent) {
  std::lock_guard lock(mutex_);
  if (auto it = agent_policies_.find(agent.name); it != agent_policies_.end()) return it->second;
  auto policy = ToolAccess(agent).policy(policy_);
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
  if (registry_.find(call.name) == nullptr || !ToolAccess(agent).offers(call.name)) {
    std::string names;
    for (const auto& s : schemas_for(agent))
      names += (names.empty() ? "" : ", ") + s.name;
    return ToolResult{call.id, call.name,
                      fmt::format("unknown tool '{}'; the tools you can call are: {}", call.name,
                                  names.empty() ? "(none)" : names),
                      true};
  }
  return execute_other(agent, *registry_.find(call.name), call, context);
}

Result<ToolResult> RegistryToolHost::execute_other(const agents::AgentDefinition& agent,
                                                   tools::Tool& tool, const ToolCall& call,
                                                   const tools::ToolContext& context) {
  auto policy = policy_for(agent);
  if (!policy) return tl::make_unexpected(policy.error());
  auto output = invoker_.invoke_tool(tool, call, context, *policy);
  if (!output) return tl::make_unexpected(output.error());
  return ToolResult{call.id, call.name, std::move(output->content), output->is_error,
                    std::move(output->images)};
}

}  // namespace agentry::engine
