#include "agents/tool_names.hpp"

#include <algorithm>
#include <utility>

namespace agentry::agents {

namespace {

struct Alias {
  std::string_view written;
  std::string_view agentry;
};

// Claude Code names (capitalised) and opencode names (lowercase).
constexpr std::array<Alias, 16> kAliases = {{
    {"Read", "read_file"},
    {"Write", "write_file"},
    {"Edit", "edit_file"},
    {"MultiEdit", "edit_file"},
    {"Glob", "glob"},
    {"Grep", "grep"},
    {"LS", "list_files"},
    {"Task", "task"},
    {"Agent", "task"},
    {"read", "read_file"},
    {"write", "write_file"},
    {"edit", "edit_file"},
    {"multiedit", "edit_file"},
    {"patch", "edit_file"},
    {"list", "list_files"},
    {"ls", "list_files"},
}};

}  // namespace

bool is_agentry_tool(std::string_view name) {
  return std::find(kAgentryTools.begin(), kAgentryTools.end(), name) != kAgentryTools.end();
}

MappedTool map_tool_name(std::string_view written) {
  MappedTool out;
  std::string_view base = written;
  if (std::size_t open = written.find('(');
      open != std::string_view::npos && open > 0 && written.back() == ')') {
    base = written.substr(0, open);
    out.dropped_arguments = true;
  }
  if (base == "bash" || base == "Bash") {
    out.kind = ToolNameKind::kShell;
    out.names.emplace_back("bash");
    out.names.insert(out.names.end(), kToolchainTools.begin(), kToolchainTools.end());
    return out;
  }
  if (is_agentry_tool(base)) {
    out.kind = ToolNameKind::kAgentry;
    out.names.emplace_back(base);
    return out;
  }
  for (const auto& alias : kAliases) {
    if (alias.written != base) continue;
    out.kind = ToolNameKind::kMapped;
    out.names.emplace_back(alias.agentry);
    return out;
  }
  out.dropped_arguments = false;
  if (is_mcp_tool_name(written)) {
    out.kind = ToolNameKind::kMcp;
    out.names.emplace_back(written);
    return out;
  }
  out.kind = written.find_first_of("*?") == std::string_view::npos ? ToolNameKind::kUnknown
                                                                   : ToolNameKind::kPattern;
  out.names.emplace_back(written);
  return out;
}

bool is_mcp_tool_name(std::string_view name) {
  return name.starts_with("mcp__");
}

bool tool_pattern_matches(std::string_view pattern, std::string_view name) {
  // Iterative glob match with one backtrack point: linear enough for tool names.
  std::size_t p = 0, n = 0, star = std::string_view::npos, mark = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

}  // namespace agentry::agents
