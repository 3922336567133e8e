#pragma once
/// The names the model calls MCP tools by: `mcp__<server>__<tool>`, as Claude Code names them,
/// made to fit the model APIs' `^[a-zA-Z0-9_-]{1,64}$`: any other character becomes `_`; a name
/// over 64 characters keeps its first 55 and ends in `_` and 8 hex digits of a hash of the whole
/// (the same every run); two tools that still share a name get `_2`, `_3`, … in listing order,
/// each reported. For the engine's MCP tools (naming, tool_search) to build on.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agentry::mcpclient {

inline constexpr std::size_t kMaxToolNameLength = 64;

/// `text` with every character outside [a-zA-Z0-9_-] replaced by '_' ("" becomes "_").
std::string sanitize_name_part(std::string_view text);

struct NamedTool {
  std::string name;    ///< what the model calls: mcp__server__tool, sanitised and unique
  std::string server;  ///< the configured server name
  std::string tool;    ///< the tool's name as the server lists it
};

struct ToolNaming {
  std::vector<NamedTool> tools;
  /// One line per renamed collision: "mcp__a_b__x (server a.b, tool x) is called mcp__a_b__x_2:
  /// mcp__a_b__x is taken by server a_b, tool x".
  std::vector<std::string> collisions;
};

/// Names every tool of `servers` (each: the server's name and its tools' names, in order).
ToolNaming name_tools(const std::vector<std::pair<std::string, std::vector<std::string>>>& servers);

}  // namespace agentry::mcpclient
