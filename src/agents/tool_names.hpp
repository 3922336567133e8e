#pragma once
/// Maps the tool names agent files use (Claude Code's `Read`, `Bash`…, opencode's `read`,
/// `bash`…) onto agentry's own tool names. Only names: what the tools do is src/tools' business.
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace agentry::agents {

/// agentry's tools, as the tool registry names them.
inline constexpr std::array<std::string_view, 14> kAgentryTools = {
    "read_file",   "write_file", "edit_file",    "list_files", "glob",    "grep", "cargo_check",
    "cargo_build", "cargo_test", "cargo_clippy", "clippy_fix", "rustfmt", "bash", "task"};

/// The toolchain tools: an agent offered one is told about the toolchain and the crate. A shell
/// (`Bash`, `bash`) brings them along: what a Rust agent runs a shell for is mostly cargo, and
/// these give it cargo's diagnostics compact.
inline constexpr std::array<std::string_view, 6> kToolchainTools = {
    "cargo_check", "cargo_build", "cargo_test", "cargo_clippy", "clippy_fix", "rustfmt"};

enum class ToolNameKind {
  kAgentry,  ///< already an agentry name
  kMapped,   ///< a Claude Code or opencode name with an agentry equivalent
  kShell,    ///< Bash / bash: the `bash` tool and the toolchain tools
  kPattern,  ///< a wildcard such as `mcp_*`: kept as written
  kMcp,      ///< an MCP server's tool or tools (`mcp__github__create_issue`, `mcp__github__*`,
             ///< `mcp__github`, `mcp__*`): kept as written, reached when the server is configured
  kUnknown,  ///< agentry has no such tool: kept as written
};

struct MappedTool {
  ToolNameKind kind = ToolNameKind::kUnknown;
  std::vector<std::string> names;  ///< agentry names, or the name as written when not mapped
  bool dropped_arguments = false;  ///< `Bash(git:*)`: the argument pattern was ignored
};

/// Maps one tool name as written in an agent file.
MappedTool map_tool_name(std::string_view written);

/// True for one of kAgentryTools.
bool is_agentry_tool(std::string_view name);

/// True for a name or pattern of MCP tools: it starts with `mcp__`.
bool is_mcp_tool_name(std::string_view name);

/// True when `name` matches `pattern`, where `*` stands for any run of characters and `?` for one.
bool tool_pattern_matches(std::string_view pattern, std::string_view name);

}  // namespace agentry::agents
