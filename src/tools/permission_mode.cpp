#include "tools/permission_mode.hpp"

#include <fmt/format.h>

#include "core/text.hpp"

namespace agentry::tools {

namespace {

struct AgentModeName {
  std::string_view lower;  ///< as compared: ASCII lowercase
  std::string_view written;
  AgentPermissionMode mode;
};

constexpr std::array<AgentModeName, 5> kAgentModes = {{
    {"default", "default", AgentPermissionMode::kDefault},
    {"acceptedits", "acceptEdits", AgentPermissionMode::kAcceptEdits},
    {"bypasspermissions", "bypassPermissions", AgentPermissionMode::kBypassPermissions},
    {"plan", "plan", AgentPermissionMode::kPlan},
    {"dontask", "dontAsk", AgentPermissionMode::kDontAsk},
}};

}  // namespace

const char* to_string(PermissionMode mode) {
  return kPermissionModeNames[static_cast<std::size_t>(mode)].data();
}

Result<PermissionMode> parse_permission_mode(std::string_view text) {
  for (std::size_t i = 0; i < kPermissionModeNames.size(); ++i) {
    if (kPermissionModeNames[i] == text) return static_cast<PermissionMode>(i);
  }
  return fail(ErrorCode::kUsage, fmt::format("unknown permission mode `{}`", text),
              "--permission-mode", fmt::format("use {}", fmt::join(kPermissionModeNames, ", ")));
}

bool mode_approves(PermissionMode mode, bool writes, bool settings) {
  switch (mode) {
    case PermissionMode::kAsk:
      return false;
    case PermissionMode::kAcceptEdits:
      return writes && !settings;
    case PermissionMode::kBypass:
      return true;
  }
  return false;
}

const char* to_string(AgentPermissionMode mode) {
  for (const auto& name : kAgentModes) {
    if (name.mode == mode) return name.written.data();
  }
  return "default";
}

Result<AgentPermissionMode> parse_agent_permission_mode(std::string_view text,
                                                        const std::string& where) {
  if (text.empty()) return AgentPermissionMode::kDefault;
  const std::string lower = ascii_lower(text);
  for (const auto& name : kAgentModes) {
    if (name.lower == lower) return name.mode;
  }
  return fail(ErrorCode::kConfig, fmt::format("unknown permissionMode `{}`", text), where,
              "use default, acceptEdits, bypassPermissions, plan or dontAsk");
}

bool loosens(AgentPermissionMode mode) {
  return mode == AgentPermissionMode::kAcceptEdits ||
         mode == AgentPermissionMode::kBypassPermissions;
}

Permission apply_agent_mode(AgentPermissionMode mode, Permission rule, bool writes) {
  switch (mode) {
    case AgentPermissionMode::kDefault:
      return rule;
    case AgentPermissionMode::kAcceptEdits:
      return writes && rule == Permission::kAsk ? Permission::kAllow : rule;
    case AgentPermissionMode::kBypassPermissions:
      return Permission::kAllow;
    case AgentPermissionMode::kPlan:
      return writes ? Permission::kDeny : rule;
    case AgentPermissionMode::kDontAsk:
      return rule == Permission::kAsk ? Permission::kDeny : rule;
  }
  return rule;
}

}  // namespace agentry::tools
