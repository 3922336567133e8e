#pragma once
/// Who may run what: allow, ask or deny per tool call.
///
/// Sources, weakest first: agentry's defaults (calls that only read are allowed; calls that
/// write the workspace ask), the config section, the agent's front-matter (`permission`, the
/// opencode form, and `permissionMode`, Claude Code's). An agent's rule overrides the config's,
/// as in both tools, except that a `deny` in the user's config is final: an agent file shipped
/// inside a crate cannot grant itself a tool the user turned off.
///
/// `ask` goes through an Approver that front-ends implement; with no approver it means deny,
/// with a message telling the model so.
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "tools/permission_mode.hpp"
#include "tools/tool.hpp"
#include "tools/workspace.hpp"

namespace agentry::tools {

const char* to_string(Permission p);
/// "allow" | "ask" | "deny"; nullopt for anything else.
std::optional<Permission> parse_permission(std::string_view text);

/// True when this call changes the workspace: a `writes` tool, except rustfmt in check mode.
bool call_writes(const ToolSpec& spec, const nlohmann::json& arguments);

/// True when this call writes as a file edit does: call_writes, except `bash` (a command line
/// may do anything). What accept-edits modes approve and opencode's `edit` group covers; `bash`
/// is always asked about unless a rule allows it (or the session bypasses permissions).
bool call_edits(const ToolSpec& spec, const nlohmann::json& arguments);

/// True when this call writes a file that steers later runs: anything under a folder named
/// `.agentry`, `.claude`, `.opencode` or `.git` (config, agent files, hooks). Such a write is
/// never allowed without a person saying yes: no config or agent rule and no accept-edits mode
/// turns it into allow (only `--permission-mode bypass`, the operator's own flag, approves it),
/// so text injected into a crate cannot make the model grant the next run more permissions.
///
/// The path counts as typed and, given the `workspace`, as the kernel resolves it: through every
/// symlink on the way (`gitdir/config` with `gitdir -> .git`), and with names compared without
/// regard to ASCII case (`.GIT/config` is `.git/config` on a case-insensitive file system). Pass
/// the workspace whenever there is one; without it only the typed path is checked. The file
/// tools check the folder they finally write into again (ToolContext::may_write_settings), and
/// the process tools that write (rustfmt apply, clippy_fix) refuse to write into one at all.
bool call_writes_settings(const ToolSpec& spec, const nlohmann::json& arguments,
                          const Workspace* workspace = nullptr);

/// The command line a process tool runs, as opencode's `bash` patterns see it ("cargo test",
/// "cargo clippy --fix", "cargo fmt --check"; the `bash` tool's own `command`); empty for tools
/// that start no process.
std::string call_command(const ToolSpec& spec, const nlohmann::json& arguments);

/// The key among `keys` whose rule governs MCP tool `name` (`mcp__<server>__<tool>`) when none
/// is its own name: the longest pattern that matches it (`mcp__memory__*` before `mcp__*`), else
/// its server's (`mcp__memory` covers every tool of server memory); empty when none does.
std::string mcp_rule_key(const std::vector<std::string_view>& keys, std::string_view name);

class PermissionPolicy {
 public:
  /// agentry's defaults only.
  PermissionPolicy() = default;

  /// The config section: an object of tool name -> allow|ask|deny, where the key `default`
  /// (or `*`) sets every tool not named. Unknown values are a kConfig error naming `where`.
  [[nodiscard]] static Result<PermissionPolicy> from_config(const nlohmann::json& section,
                                                            const std::string& where);

  /// This policy with an agent's rules on top. `permission` is the front-matter value as
  /// written (opencode: {edit: ask | {"src/*.rs": allow}, bash: deny | {"cargo test*": allow,
  /// "*": ask}, read: ...,
  /// "*": ...}; agentry tool names work too); `mode` is Claude Code's permissionMode as written
  /// (parse_agent_permission_mode: an unknown one is a kConfig error at `where`) or empty.
  [[nodiscard]] Result<PermissionPolicy> for_agent(const nlohmann::json& permission,
                                                   std::string_view mode,
                                                   const std::string& where) const;

  /// The decision for one call; `workspace` as for call_writes_settings.
  Permission decide(const ToolSpec& spec, const nlohmann::json& arguments,
                    const Workspace* workspace = nullptr) const;
  /// The same with call_writes_settings already known (the invoker needs it too: the path is
  /// resolved once per call).
  Permission decide(const ToolSpec& spec, const nlohmann::json& arguments,
                    bool writes_settings) const;

 private:
  std::map<std::string, Permission, std::less<>> config_;
  std::optional<Permission> config_default_;
  nlohmann::json agent_ = nlohmann::json::object();  ///< normalised: lowercase keys
  AgentPermissionMode mode_ = AgentPermissionMode::kDefault;
};

/// What a front-end shows when asking.
struct ApprovalRequest {
  std::string tool;
  nlohmann::json arguments;
  std::string preview;      ///< the diff to be written, or the command to be run
  bool writes = false;      ///< the call edits the workspace (call_edits: not `bash`)
  bool settings = false;    ///< it writes agentry's or a peer's settings (call_writes_settings)
  std::string origin = {};  ///< ToolSpec::origin: where a tool not agentry's own comes from
};

struct Approval {
  bool approved = false;
  std::string reason;       ///< optional words from the user, passed on to the model
  bool unattended = false;  ///< nobody was asked: no one can approve here (not a "no")
};

/// Implemented by front-ends (terminal prompt, MCP elicitation, unattended modes).
class Approver {
 public:
  virtual ~Approver() = default;
  virtual Approval approve(const ApprovalRequest& request, std::stop_token stop) = 0;
};

}  // namespace agentry::tools
