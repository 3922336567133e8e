#pragma once
/// Custom commands: markdown files that users already keep for Claude Code (`.claude/commands`)
/// and opencode (`.opencode/command`), and agentry's own (`.agentry/commands`). The body is a
/// prompt template; `/name ARGS` in chat or `agentry run /name ARGS` sends it, expanded, as the
/// user's message. An optional front-matter says what the command is (`description`,
/// `argument-hint`) and how it runs (`agent`, `model`, `allowed-tools`).
///
/// What agentry does not do: run Claude Code's `!`command`` lines (a shell command written in a
/// file of the repository would run at the user's keystroke, before any model or permission is
/// involved; the line reaches the model as written, and a note at load says so). `@path`
/// mentions are attached by the front-end, confined to the workspace, as a typed `@path` is.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agents/diagnostic.hpp"

namespace agentry::agents {

/// One entry of `allowed-tools`: an agentry tool its calls of which run without asking while
/// the command's turn runs. `Bash(git add:*)` is {bash, "git add", prefix}; `Bash(npm test)`
/// {bash, "npm test", exact}; `Read` {read_file}.
struct AllowedTool {
  std::string tool;     ///< an agentry tool name (or the name as written, when agentry has none)
  std::string command;  ///< for `bash`: the command line it allows; empty: any call
  bool prefix = false;  ///< `command` is a prefix (`:*` or a trailing `*`)
  bool operator==(const AllowedTool&) const = default;

  /// True when this entry allows a call of `name` whose command line (for `bash`) is `line`.
  bool allows(std::string_view name, std::string_view line) const;
};

struct CustomCommand {
  /// The path under its commands folder without `.md`, folders joined with `:`
  /// (`frontend/component.md` -> `frontend:component`).
  std::string name;
  std::string description;    ///< front-matter, else the body's first line
  std::string argument_hint;  ///< `argument-hint`, for /help and completion
  std::string agent;          ///< run this agent for the command's turn; "" = the current one
  std::string model;          ///< use this model for the command's turn; "" = the current one
  std::vector<AllowedTool> allowed_tools;
  std::string body;  ///< the template: `$ARGUMENTS`, `$1`…`$9`
  std::filesystem::path source;
  std::string scope;  ///< user | project
  /// The folders under the commands folder (`frontend`), "" at its top: what /help shows as
  /// `(project:frontend)`, as Claude Code does.
  std::string namespace_;
};

/// Parses one command file. `name` is the command's name (from its path). A file without
/// front-matter is all template. nullopt only when the file cannot be read as a command (broken
/// front-matter); every problem goes to `diagnostics`.
std::optional<CustomCommand> parse_custom_command(std::string text,
                                                  const std::filesystem::path& file,
                                                  std::string name, std::string_view scope,
                                                  Diagnostics& diagnostics);

/// Parses `allowed-tools` as written: a comma-separated string or a list of names, each a
/// Claude Code, opencode or agentry tool name with an optional `(pattern)`.
std::vector<AllowedTool> parse_allowed_tools(const std::vector<std::string>& written);

/// The message the command sends for `arguments` (the text after `/name`): `$ARGUMENTS` is the
/// whole of it (trimmed), `$1`…`$9` its words as a shell splits them (quotes group; unbalanced
/// quotes fall back to blanks), a missing word is empty. A template that uses neither gets the
/// arguments appended as `ARGUMENTS: …`, as Claude Code does, so they are never lost.
std::string expand_command(const CustomCommand& command, std::string_view arguments);

}  // namespace agentry::agents
