#include "engine/registry_tool_host.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "tools/approval_preview.hpp"
#include "tools/schema_validator.hpp"

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

Result<ToolResult> RegistryToolHost::execute(const agents::AgentDefinition& agent,
                                             const ToolCall& call,
                                             const tools::ToolContext& context) {
  auto answer = [&](std::string text, bool is_error) {
    return ToolResult{call.id, call.name, std::move(text), is_error};
  };
  tools::Tool* tool = registry_.find(call.name);
  if (tool == nullptr || !allowed(agent, call.name)) {
    std::string names;
    for (const auto& s : schemas_for(agent))
      names += (names.empty() ? "" : ", ") + s.name;
    return answer(fmt::format("unknown tool '{}'; the tools you can call are: {}", call.name,
                              names.empty() ? "(none)" : names),
                  true);
  }
  if (!call.arguments.is_object()) {
    std::string raw = call.raw_arguments.substr(0, 200);
    return answer(fmt::format("rewrite your input: the arguments of {} must be a JSON object{}",
                              call.name, raw.empty() ? "" : ", got: " + raw),
                  true);
  }
  const auto& spec = tool->spec();
  if (auto problem = tools::validate_arguments(spec.schema.parameters, call.arguments)) {
    return answer(*problem, true);
  }
  auto policy = policy_for(agent);
  if (!policy) return tl::make_unexpected(policy.error());
  switch (policy->decide(spec, call.arguments)) {
    case tools::Permission::kAllow:
      break;
    case tools::Permission::kDeny:
      return answer(fmt::format("permission denied: {} is not allowed for agent {} by the "
                                "permission settings; do without it or ask the user",
                                call.name, agent.name),
                    true);
    case tools::Permission::kAsk: {
      if (approver_ == nullptr) {
        return answer(fmt::format("permission denied: {} needs the user's approval and nobody "
                                  "can approve in this mode (run with --permission-mode "
                                  "accept-edits or bypass to allow it)",
                                  call.name),
                      true);
      }
      tools::ApprovalRequest request{
          call.name, call.arguments,
          tools::approval_preview(spec, call.arguments, context.workspace),
          tools::call_writes(spec, call.arguments)};
      auto approval = approver_->approve(request, context.stop);
      if (context.stop.stop_requested()) return fail(ErrorCode::kCancelled, "cancelled");
      if (!approval.approved) {
        return answer(
            approval.reason.empty()
                ? fmt::format("the user declined this {} call", call.name)
                : fmt::format("the user declined this {} call: {}", call.name, approval.reason),
            true);
      }
      break;
    }
  }
  auto output = tool->run(call.arguments, context);
  if (!output) return tl::make_unexpected(output.error());
  return answer(std::move(output->content), output->is_error);
}

}  // namespace agentry::engine
