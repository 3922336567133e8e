#pragma once
/// One tool call from start to finish, the way the engine and `agentry tools run` need it:
/// find the tool, check the arguments against its schema, apply the permission policy (asking
/// the approver when it says ask), run it, and bound what goes back to the model.
///
/// Calls that change a workspace run one at a time per workspace (after their approval), so
/// that parallel subagents editing one crate cannot interleave a read-modify-write of a file;
/// calls that only read are never held up.
///
/// Everything the model can fix comes back as a ToolOutput with is_error; an Error means the
/// call could not be carried out at all (cancelled, sandbox or cargo missing).
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include <nlohmann/json.hpp>

#include "core/message.hpp"
#include "tools/permissions.hpp"
#include "tools/tool_registry.hpp"

namespace agentry::tools {

/// One mutex per workspace folder, made on first use. Shared by every call of one invoker.
class WorkspaceLocks {
 public:
  std::shared_ptr<std::mutex> lock_for(const std::filesystem::path& workspace);

 private:
  std::mutex mutex_;
  std::map<std::filesystem::path, std::shared_ptr<std::mutex>> locks_;
};

class ToolInvoker {
 public:
  /// `approver` may be null: then `ask` means deny. Both must outlive the invoker.
  ToolInvoker(const ToolRegistry& registry, Approver* approver)
      : registry_(registry), approver_(approver) {}

  [[nodiscard]] Result<ToolOutput> invoke(const ToolCall& call, const ToolContext& context,
                                          const PermissionPolicy& policy) const;
  /// The same for `tool`, which need not be in the registry (an MCP server's tool): the same
  /// argument check, permission, approval, redaction and output cap.
  [[nodiscard]] Result<ToolOutput> invoke_tool(Tool& tool, const ToolCall& call,
                                               const ToolContext& context,
                                               const PermissionPolicy& policy) const;

 private:
  const ToolRegistry& registry_;
  Approver* approver_;
  mutable WorkspaceLocks write_locks_;
};

}  // namespace agentry::tools
