#pragma once
/// Agent Skills (the open format Claude Code, opencode and others read): a folder holding a
/// `SKILL.md` (YAML front-matter with `name` and `description`, a markdown body of instructions)
/// and any files beside it (scripts, references, templates). Loading is as tolerant as the agent
/// loader (same clean-up, same YAML reader, every problem a file:line:column diagnostic, one bad
/// skill never hides the others); the rules of the format that only guide authors are warnings.
///
/// Progressive disclosure is the engine's business (engine/skill_tool.hpp): only names and
/// descriptions reach the system prompt, a body when the model asks for it.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "agents/diagnostic.hpp"
#include "agents/registry.hpp"
#include "core/environment.hpp"

namespace agentry::agents {

struct SkillDefinition {
  std::string name;         ///< `name:`, else the folder's name
  std::string description;  ///< when to use it, on one line; what the model chooses on
  /// `allowed-tools` as written (a list, or names separated by spaces or commas).
  std::vector<std::string> allowed_tools;
  /// False with `disable-model-invocation: true` (Claude Code): only preloaded by name
  /// (an agent's `skills:`), never listed to the model nor loadable with the `skill` tool.
  bool model_invocable = true;
  std::string body;              ///< the instructions: the markdown after the block
  std::filesystem::path folder;  ///< the skill's folder, absolute and canonical
  std::filesystem::path source;  ///< its SKILL.md, as found (for messages)
  std::string scope;             ///< user | project | extra
  nlohmann::json extra;          ///< every other key, as written
};

/// One folder of skills (each subfolder one skill), or one skill's folder.
using SkillDir = SearchDir;

/// The skills search path, lowest precedence first:
/// - user: `~/.claude/skills`, `~/.agents/skills`, `$XDG_CONFIG_HOME/agentry/skills`;
/// - project: from the repository root down to `cwd` (agents::project_directories), in each
///   directory `.claude/skills`, `.agents/skills`, `.agentry/skills` (nearer directories win);
/// - extra: `extra_dirs`, in order.
/// Folders that do not exist are left out, except extra ones; a folder reached twice is kept
/// once, at its first place.
std::vector<SkillDir> skill_search_path(const Environment& env, const std::filesystem::path& cwd,
                                        const std::vector<std::filesystem::path>& extra_dirs = {});

/// True when `name` follows the format's rule: 1–64 of a–z, 0–9 and `-`, neither first nor last,
/// never two in a row.
bool is_conforming_skill_name(std::string_view name);

/// Parses `text`, the content of the SKILL.md `file` in the skill folder `folder`. Problems are
/// appended to `diagnostics`; nullopt when one of them is an error.
std::optional<SkillDefinition> parse_skill(std::string text, const std::filesystem::path& file,
                                           const std::filesystem::path& folder,
                                           std::string_view scope, Diagnostics& diagnostics);

struct SkillLoadResult {
  std::vector<SkillDefinition> skills;  ///< in load order
  Diagnostics diagnostics;
};

/// Loads one skill folder (the folder holding SKILL.md).
void load_skill_folder(const std::filesystem::path& folder, std::string_view scope,
                       SkillLoadResult& out);

/// Loads every skill in `dir`: each subfolder (or symlink to one) that holds a SKILL.md, sorted
/// by name. A subfolder without one gets an info note.
void load_skills_dir(const std::filesystem::path& dir, std::string_view scope,
                     SkillLoadResult& out);

/// The files of a skill's folder other than its SKILL.md, relative to it, sorted, at most
/// `limit` of them (then `more` says how many were left out); hidden entries and symlinks to
/// folders are skipped.
std::vector<std::string> skill_files(const SkillDefinition& skill, std::size_t limit,
                                     std::size_t& more);

/// The skills agentry knows, later folders of the search path winning (a project's skill over the
/// user's of the same name). Immutable once loaded.
class SkillRegistry {
 public:
  SkillRegistry() = default;
  /// Loads every folder of `search_path`; never fails as a whole.
  static SkillRegistry load(const std::vector<SkillDir>& search_path);
  /// From definitions in precedence order (later wins), with a diagnostic for each that shadows
  /// another: a warning in the same scope, an info note across scopes.
  static SkillRegistry from_loaded(SkillLoadResult loaded);

  const SkillDefinition* find(std::string_view name) const;
  /// Every skill, sorted by name.
  const std::vector<SkillDefinition>& skills() const { return skills_; }
  const Diagnostics& diagnostics() const { return diagnostics_; }
  std::size_t files_loaded() const { return files_loaded_; }
  /// Up to `limit` skill names close to `name`, closest first.
  std::vector<std::string> similar_names(std::string_view name, std::size_t limit = 5) const;

 private:
  std::vector<SkillDefinition> skills_;
  Diagnostics diagnostics_;
  std::size_t files_loaded_ = 0;
};

}  // namespace agentry::agents
