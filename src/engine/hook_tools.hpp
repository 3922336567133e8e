#pragma once
/// How hooks written for Claude Code see agentry's tools: Claude Code's tool names (`Edit` for
/// edit_file, `Write`, `Read`, `Bash`, `Grep`, `Glob`, `LS`, `Task`), its argument keys
/// (`file_path` for `path`, absolute), and its matcher rules.
#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace agentry::engine {

/// Claude Code's name of an agentry tool where it has one, else `name` itself.
std::string claude_tool_name(std::string_view name);

/// Whether a matcher as Claude Code reads it selects `subject`: "" and "*" match everything; a
/// matcher of letters, digits, `_`, `-`, spaces, `,` and `|` only is a list of exact names
/// (split at `|` and `,`); anything else is an unanchored ECMAScript regex (a matcher that does
/// not compile matches nothing).
bool hook_matcher_selects(const std::string& matcher, std::string_view subject);

/// Whether `matcher` selects agentry's tool `name`, by its Claude Code name or its own.
bool hook_matcher_selects_tool(const std::string& matcher, std::string_view name);

/// A call's arguments with Claude Code's keys: `path` of the file tools becomes `file_path`
/// (absolute, under `workspace`), bash's `timeout` is in milliseconds; other keys as they are.
nlohmann::json claude_tool_input(std::string_view name, const nlohmann::json& arguments,
                                 const std::filesystem::path& workspace);

/// The reverse, for a hook's `updatedInput`: agentry's keys (a `file_path` inside `workspace`
/// becomes relative again).
nlohmann::json agentry_tool_input(std::string_view name, const nlohmann::json& input,
                                  const std::filesystem::path& workspace);

}  // namespace agentry::engine
