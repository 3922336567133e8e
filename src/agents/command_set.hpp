#pragma once
/// The custom commands agentry knows, from every commands folder of the search path, later
/// folders winning as for agents: user, then the project's from the repository root down to the
/// working directory. Immutable once loaded.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "agents/custom_command.hpp"
#include "agents/diagnostic.hpp"
#include "agents/registry.hpp"
#include "core/environment.hpp"

namespace agentry::agents {

/// A command file larger than this is not read (an error names it).
inline constexpr std::uintmax_t kMaxCommandFileBytes = 1 << 20;

/// The commands search path, lowest precedence first:
/// - user: `~/.claude/commands`, `$XDG_CONFIG_HOME/opencode/command`, `…/opencode/commands`, then
///   `$XDG_CONFIG_HOME/agentry/commands`;
/// - project: in each directory of project_directories(cwd), `.claude/commands`,
///   `.opencode/command`, `.opencode/commands`, `.agentry/commands` (nearer directories win).
/// Folders that do not exist are left out; a folder reached twice is kept once.
std::vector<SearchDir> command_search_path(const Environment& env,
                                           const std::filesystem::path& cwd);

class CommandSet {
 public:
  CommandSet() = default;

  /// Loads every folder of `search_path` (`*.md` files, recursively; a folder's path under the
  /// commands folder gives the name's namespace). Never fails as a whole.
  static CommandSet load(const std::vector<SearchDir>& search_path);

  /// The command called `name` (without the slash): its full name (`frontend:component`), else,
  /// as Claude Code allows, the last part of a namespaced name (`component`) when exactly one
  /// command has it and none is called so at the top. nullptr otherwise.
  const CustomCommand* find(std::string_view name) const;
  /// Every command, sorted by name.
  const std::vector<CustomCommand>& commands() const { return commands_; }
  /// Every problem found while loading; shadowing notes last.
  const Diagnostics& diagnostics() const { return diagnostics_; }
  /// For the front-ends' own filters (an untrusted project's `allowed-tools`).
  std::vector<CustomCommand>& mutable_commands() { return commands_; }

 private:
  std::vector<CustomCommand> commands_;
  Diagnostics diagnostics_;
};

}  // namespace agentry::agents
