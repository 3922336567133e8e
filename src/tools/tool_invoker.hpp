#pragma once
/// One tool call from start to finish, the way the engine and `agentry tools run` need it:
/// find the tool, check the arguments against its schema, apply the permission policy (asking
/// the approver when it says ask), run it, and bound what goes back to the model.
///
/// Everything the model can fix comes back as a ToolOutput with is_error; an Error means the
/// call could not be carried out at all (cancelled, sandbox or cargo missing).
#include <nlohmann/json.hpp>

#include "core/message.hpp"
#include "tools/permissions.hpp"
#include "tools/tool_registry.hpp"

namespace agentry::tools {

class ToolInvoker {
 public:
  /// `approver` may be null: then `ask` means deny. Both must outlive the invoker.
  ToolInvoker(const ToolRegistry& registry, Approver* approver)
      : registry_(registry), approver_(approver) {}

  [[nodiscard]] Result<ToolOutput> invoke(const ToolCall& call, const ToolContext& context,
                                          const PermissionPolicy& policy) const;

 private:
  const ToolRegistry& registry_;
  Approver* approver_;
};

}  // namespace agentry::tools
