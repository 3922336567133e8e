#pragma once
/// The agents agentry knows, from every folder of the search path, later folders winning:
/// built-in → user → project → `--agents-dir`. Immutable once loaded; lookups by name.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "agents/agent_definition.hpp"
#include "agents/diagnostic.hpp"
#include "agents/loader.hpp"
#include "core/environment.hpp"

namespace agentry::agents {

/// One folder of the search path.
struct SearchDir {
  std::filesystem::path path;
  std::string scope;  ///< builtin | user | project | extra
  bool operator==(const SearchDir&) const = default;
};

/// The project's folders whose settings folders (`.claude`, `.opencode`, `.agentry`) count, from
/// the repository root (nearest `.git`, else the project root of find_project_root) down to
/// `cwd`; without either, `cwd` alone.
std::vector<std::filesystem::path> project_directories(const std::filesystem::path& cwd);

/// The search path, lowest precedence first:
/// - builtin: `<data_dir>/agents`;
/// - user: `~/.claude/agents`, `$XDG_CONFIG_HOME/opencode/agent`, `…/opencode/agents`, then
///   `$XDG_CONFIG_HOME/agentry/agents` (agentry's own folder wins over the compatibility ones);
/// - project: from the repository root (nearest `.git`, else the project root of
///   find_project_root) down to `cwd`, in each directory `.claude/agents`, `.opencode/agent`,
///   `.opencode/agents`, `.agentry/agents` (nearer directories win); without either, `cwd` alone;
/// - extra: `extra_dirs` (`--agents-dir`), in order.
/// Folders that do not exist are left out, except extra ones (loading reports them); a folder
/// reached twice is kept once, at its first place.
std::vector<SearchDir> agent_search_path(const Environment& env,
                                         const std::filesystem::path& data_dir,
                                         const std::filesystem::path& cwd,
                                         const std::vector<std::filesystem::path>& extra_dirs);

class Registry {
 public:
  /// Loads every folder of `search_path`; never fails as a whole: problems are diagnostics.
  static Registry load(const std::vector<SearchDir>& search_path);

  /// Builds a registry from definitions in precedence order (later wins), keeping the load's
  /// diagnostics and adding one for each definition that shadows another: a warning when both
  /// are in the same scope (likely a mistake), an info note otherwise (a deliberate override).
  static Registry from_loaded(LoadResult loaded);

  /// The agent called `name`, or nullptr.
  const AgentDefinition* find(std::string_view name) const;
  /// Every agent, sorted by name.
  const std::vector<AgentDefinition>& agents() const { return agents_; }
  /// Every problem found while loading, in load order, shadowing notes last.
  const Diagnostics& diagnostics() const { return diagnostics_; }
  /// How many agent files parsed (shadowed ones included).
  std::size_t files_loaded() const { return files_loaded_; }
  /// Up to `limit` agent names close to `name` (edit distance or substring), closest first: for
  /// "did you mean" hints.
  std::vector<std::string> similar_names(std::string_view name, std::size_t limit = 5) const;

 private:
  Registry() = default;

  std::vector<AgentDefinition> agents_;
  Diagnostics diagnostics_;
  std::size_t files_loaded_ = 0;
};

}  // namespace agentry::agents
