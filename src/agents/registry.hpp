#pragma once
/// The agents agentry knows, from every folder of the search path, later folders winning:
/// built-in → user → project → `--agents-dir`. Immutable once loaded; lookups by name.
#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

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

/// Builds a search path: folders in precedence order, each kept once.
class SearchPathBuilder {
 public:
  /// Appends `dir` unless `must_exist` and it is no folder, or it was added before (compared
  /// canonical): a folder reached twice is kept at its first place.
  void add(const std::filesystem::path& dir, std::string_view scope, bool must_exist);
  std::vector<SearchDir> take() { return std::move(dirs_); }

 private:
  std::vector<SearchDir> dirs_;
  std::vector<std::filesystem::path> seen_;
};

/// Definitions (with `name`, `scope` and `source`) in precedence order reduced to one per name,
/// the later winning, sorted by name. Each one that shadows another adds a diagnostic: a warning
/// when both are in the same scope (likely a mistake), an info note otherwise (a deliberate
/// override). `kind` names them in it ("agent", "skill").
template <class Definition>
std::vector<Definition> keep_later_definitions(std::vector<Definition> loaded,
                                               std::string_view kind, Diagnostics& diagnostics) {
  std::vector<Definition> kept;
  std::unordered_map<std::string, std::size_t> index;
  index.reserve(loaded.size());
  for (auto& def : loaded) {
    auto [it, inserted] = index.try_emplace(def.name, kept.size());
    if (inserted) {
      kept.push_back(std::move(def));
      continue;
    }
    Definition& previous = kept[it->second];
    diagnostics.push_back(
        {previous.scope == def.scope ? Severity::kWarning : Severity::kInfo, def.source, 1, 1,
         fmt::format("{} '{}' is defined again here: it shadows {} ({} scope), the later "
                     "definition wins",
                     kind, def.name, previous.source.string(), previous.scope)});
    previous = std::move(def);
  }
  std::sort(kept.begin(), kept.end(),
            [](const Definition& a, const Definition& b) { return a.name < b.name; });
  return kept;
}

/// The definition called `name` in `sorted` (sorted by name), or nullptr.
template <class Definition>
const Definition* find_by_name(const std::vector<Definition>& sorted, std::string_view name) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), name,
                             [](const Definition& d, std::string_view n) { return d.name < n; });
  return it != sorted.end() && it->name == name ? &*it : nullptr;
}

/// The directories whose settings folders hold a project's agents and skills: from the repository
/// root (nearest `.git`, else the project root of find_project_root) down to `cwd`, root first;
/// without either, `cwd` alone.
std::vector<std::filesystem::path> project_directories(const std::filesystem::path& cwd);

/// Up to `limit` of `names` close to `name` (edit distance or substring), closest first: for
/// "did you mean" hints.
std::vector<std::string> similar_names(std::string_view name,
                                       const std::vector<std::string_view>& names,
                                       std::size_t limit);

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
