#pragma once
/// Loads agent files from disk: one file, a folder walked recursively (hidden folders included,
/// only `*.md`), or the files and folders of a command line. Loading never stops at a bad file:
/// the result holds every agent that parsed and every problem found.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "agents/agent_definition.hpp"
#include "agents/diagnostic.hpp"

namespace agentry::agents {

/// An agent file larger than this is not read (an error diagnostic names it); the other files
/// still load. Real agent files are a few KB; the cap keeps a stray or hostile file from costing
/// memory and from reaching the model as a prompt.
inline constexpr std::uint64_t kMaxAgentFileBytes = 1 << 20;

struct LoadResult {
  std::vector<AgentDefinition> agents;  ///< in load order (folders: sorted by path)
  Diagnostics diagnostics;

  std::size_t error_count() const { return count(diagnostics, Severity::kError); }
};

/// The name of an agent file that has no `name:` key, as opencode derives it: the path under the
/// nearest enclosing `agents`/`agent` folder (or under `root` when there is none below it),
/// without `.md`, with `/` between folders: `review/security` for `agents/review/security.md`.
std::string name_from_path(const std::filesystem::path& file, const std::filesystem::path& root);

/// Loads one file; its name, when not in the file, is derived against `root`.
void load_agent_file(const std::filesystem::path& file, const std::filesystem::path& root,
                     std::string_view scope, LoadResult& out);

/// Loads every `*.md` file under `dir`, recursively. A `README.md` that does not start with a
/// front-matter block documents the folder and is skipped (with an info note); one that does is
/// an agent like any other.
void load_agent_dir(const std::filesystem::path& dir, std::string_view scope, LoadResult& out);

/// Loads each path: a file as one agent, a folder as load_agent_dir. A path that does not exist
/// is an error diagnostic.
LoadResult load_paths(const std::vector<std::filesystem::path>& paths, std::string_view scope);

}  // namespace agentry::agents
