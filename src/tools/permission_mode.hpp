#pragma once
/// The two kinds of permission mode, parsed in one place.
///
/// A session mode is the operator's `--permission-mode` flag of run, chat, mcp and batch (`ask`,
/// `accept-edits`, `bypass`); it only answers calls the rules left at `ask`. An agent mode is an
/// agent file's `permissionMode` (Claude Code's `default`, `acceptEdits`, `bypassPermissions`,
/// `plan`, `dontAsk`, any ASCII case); it rewrites the rules' answer for that agent's calls, and
/// an untrusted project may only carry one that does not loosen them.
#include <array>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "tools/tool.hpp"

namespace agentry::tools {

/// `--permission-mode`: how calls that `ask` are answered when nobody is at a terminal.
enum class PermissionMode {
  kAsk,          ///< ask the approver; without one (no terminal), deny and tell the model
  kAcceptEdits,  ///< workspace writes allowed without asking; `deny` still denies
  kBypass,       ///< everything allowed except what config or the agent explicitly denies
};

/// The flag's spellings, in the order of the enum.
inline constexpr std::array<std::string_view, 3> kPermissionModeNames = {"ask", "accept-edits",
                                                                         "bypass"};

const char* to_string(PermissionMode mode);

/// One of kPermissionModeNames, exactly; anything else is a kUsage error naming the choices.
[[nodiscard]] Result<PermissionMode> parse_permission_mode(std::string_view text);

/// True when `mode` approves, without asking anyone, a call the rules answered `ask` for:
/// accept-edits a workspace write that does not touch settings (`settings`, see
/// call_writes_settings), bypass every call.
bool mode_approves(PermissionMode mode, bool writes, bool settings);

/// An agent file's `permissionMode`.
enum class AgentPermissionMode {
  kDefault,            ///< the rules as they are
  kAcceptEdits,        ///< workspace writes that ask are allowed
  kBypassPermissions,  ///< everything allowed (settings writes still ask)
  kPlan,               ///< read only: every write denied
  kDontAsk,            ///< what would ask is denied
};

const char* to_string(AgentPermissionMode mode);

/// Claude Code's spellings in any ASCII case; empty is kDefault. Anything else is a kConfig
/// error at `where` (the agent file) naming the choices.
[[nodiscard]] Result<AgentPermissionMode> parse_agent_permission_mode(std::string_view text,
                                                                      const std::string& where);

/// True when `mode` can turn an `ask` or `deny` into allow (acceptEdits, bypassPermissions);
/// default, plan and dontAsk only keep or tighten.
bool loosens(AgentPermissionMode mode);

/// What `mode` makes of the rules' answer `rule` for a call (`writes`: it changes the
/// workspace). Settings writes are not this function's business: the policy makes them ask.
Permission apply_agent_mode(AgentPermissionMode mode, Permission rule, bool writes);

}  // namespace agentry::tools
