#include "agents/tool_names.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace agentry::agents {

using Names = std::vector<std::string>;

TEST_CASE("Claude Code names map onto agentry's tools") {
  CHECK(map_tool_name("Read").names == Names{"read_file"});
  CHECK(map_tool_name("Write").names == Names{"write_file"});
  CHECK(map_tool_name("Edit").names == Names{"edit_file"});
  CHECK(map_tool_name("MultiEdit").names == Names{"edit_file"});
  CHECK(map_tool_name("Glob").names == Names{"glob"});
  CHECK(map_tool_name("Grep").names == Names{"grep"});
  CHECK(map_tool_name("LS").names == Names{"list_files"});
  CHECK(map_tool_name("Task").names == Names{"task"});
  CHECK(map_tool_name("Agent").names == Names{"task"});
  CHECK(map_tool_name("Read").kind == ToolNameKind::kMapped);
}

TEST_CASE("opencode names map too, and agentry names pass through") {
  CHECK(map_tool_name("read").names == Names{"read_file"});
  CHECK(map_tool_name("write").names == Names{"write_file"});
  CHECK(map_tool_name("edit").names == Names{"edit_file"});
  CHECK(map_tool_name("list").names == Names{"list_files"});
  CHECK(map_tool_name("glob").names == Names{"glob"});
  CHECK(map_tool_name("grep").names == Names{"grep"});
  CHECK(map_tool_name("task").names == Names{"task"});
  CHECK(map_tool_name("cargo_clippy").kind == ToolNameKind::kAgentry);
  CHECK(map_tool_name("cargo_clippy").names == Names{"cargo_clippy"});
}

TEST_CASE("Claude Code's Bash and opencode's bash are the bash tool, with the toolchain tools") {
  Names shell{"bash",         "cargo_check", "cargo_build", "cargo_test",
              "cargo_clippy", "clippy_fix",  "rustfmt"};
  CHECK(map_tool_name("Bash").kind == ToolNameKind::kShell);
  CHECK(map_tool_name("Bash").names == shell);
  CHECK(map_tool_name("bash").names == shell);
  CHECK(is_agentry_tool("bash"));
  MappedTool pattern = map_tool_name("Bash(cargo test:*)");
  CHECK(pattern.kind == ToolNameKind::kShell);
  CHECK(pattern.names == shell);
  CHECK(pattern.dropped_arguments);
}

TEST_CASE("names agentry does not have are kept as written") {
  for (std::string_view name : {"WebSearch", "WebFetch", "TodoWrite", "NotebookEdit", "READ"}) {
    MappedTool mapped = map_tool_name(name);
    CHECK(mapped.kind == ToolNameKind::kUnknown);
    CHECK(mapped.names == Names{std::string(name)});
  }
  CHECK(map_tool_name("mcp_*").kind == ToolNameKind::kPattern);
  // MCP tools, their patterns and whole servers are kept as written, and are not unknown.
  for (std::string_view name :
       {"mcp__github__create_issue", "mcp__github__*", "mcp__github", "mcp__*"}) {
    CHECK(map_tool_name(name).kind == ToolNameKind::kMcp);
    CHECK(map_tool_name(name).names == Names{std::string(name)});
  }
  CHECK(map_tool_name("mcp_*").names == Names{"mcp_*"});
}

TEST_CASE("wildcards match tool names") {
  CHECK(tool_pattern_matches("cargo_*", "cargo_test"));
  CHECK(tool_pattern_matches("*", "grep"));
  CHECK(tool_pattern_matches("*_file", "read_file"));
  CHECK(tool_pattern_matches("gr?p", "grep"));
  CHECK_FALSE(tool_pattern_matches("cargo_*", "clippy_fix"));
  CHECK_FALSE(tool_pattern_matches("grep", "grep2"));
}

}  // namespace agentry::agents
