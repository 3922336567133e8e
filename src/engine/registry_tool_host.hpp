#pragma once
/// ToolHost over the tools layer: the registry's tools an agent is offered and the permission
/// policy for its calls, both as ToolAccess (tool_access.hpp) answers them; validation, approval
/// and execution are the tools layer's ToolInvoker.
/// Everything the model can fix comes back to it as a ToolResult with is_error.
#include <map>
#include <mutex>

#include "engine/ports.hpp"
#include "tools/permissions.hpp"
#include "tools/tool_invoker.hpp"
#include "tools/tool_registry.hpp"

namespace agentry::engine {

class RegistryToolHost final : public ToolHost {
 public:
  /// `approver` may be null: `ask` then means deny, and the model is told so.
  RegistryToolHost(const tools::ToolRegistry& registry, tools::PermissionPolicy policy,
                   tools::Approver* approver)
      : registry_(registry), policy_(std::move(policy)), invoker_(registry, approver) {}

  std::vector<ToolSchema> schemas_for(const agents::AgentDefinition& agent) const override;
  Result<ToolResult> execute(const agents::AgentDefinition& agent, const ToolCall& call,
                             const tools::ToolContext& context) override;
  bool writes(const ToolCall& call) const override;

  /// Runs `tool`, which is not in the registry (an MCP server's tool, mcp_tool_host.hpp), as
  /// the registry's are run: the agent's permission policy, the approver, redaction, output cap.
  /// Whether the agent is offered it is the caller's business.
  [[nodiscard]] Result<ToolResult> execute_other(const agents::AgentDefinition& agent,
                                                 tools::Tool& tool, const ToolCall& call,
                                                 const tools::ToolContext& context);

 private:
  Result<tools::PermissionPolicy> policy_for(const agents::AgentDefinition& agent);

  const tools::ToolRegistry& registry_;
  tools::PermissionPolicy policy_;
  tools::ToolInvoker invoker_;
  std::mutex mutex_;  // guards the per-agent policy cache (parallel subagents)
  std::map<std::string, tools::PermissionPolicy> agent_policies_;
};

}  // namespace agentry::engine
