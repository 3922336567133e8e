#include "agents/registry.hpp"

#include <algorithm>
#include <optional>
#include <system_error>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "core/edit_distance.hpp"
#include "core/paths.hpp"

namespace agentry::agents {

namespace fs = std::filesystem;

namespace {

/// The repository `cwd` is in: the nearest ancestor with `.git`, so that a `.agentry` folder in
/// a sub-project does not hide the agents at the repository's top; else the project root
/// (`.agentry`), if any.
std::optional<fs::path> repository_root(const fs::path& cwd) {
  std::error_code ec;
  for (const auto& dir : directories_up_to(cwd, cwd.root_path())) {
    if (fs::exists(dir / ".git", ec)) return dir;
  }
  return find_project_root(cwd);
}

}  // namespace

std::vector<fs::path> project_directories(const fs::path& cwd) {
  if (auto root = repository_root(cwd)) {
    std::vector<fs::path> dirs = directories_up_to(cwd, *root);
    std::reverse(dirs.begin(), dirs.end());
    return dirs;
  }
  return {cwd};
}

std::vector<SearchDir> agent_search_path(const Environment& env, const fs::path& data_dir,
                                         const fs::path& cwd,
                                         const std::vector<fs::path>& extra_dirs) {
  std::vector<SearchDir> out;
  std::vector<fs::path> seen;
  auto add = [&](const fs::path& dir, std::string_view scope, bool must_exist) {
    std::error_code ec;
    if (must_exist && !fs::is_directory(dir, ec)) return;
    fs::path key = fs::weakly_canonical(dir, ec);
    if (ec) key = dir.lexically_normal();
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) return;
    seen.push_back(key);
    out.push_back({dir, std::string(scope)});
  };

  add(data_dir / "agents", "builtin", true);

  add(env.home() / ".claude" / "agents", "user", true);
  add(env.config_home() / "opencode" / "agent", "user", true);
  add(env.config_home() / "opencode" / "agents", "user", true);
  add(user_config_dir(env) / "agents", "user", true);

  for (const auto& dir : project_directories(cwd)) {
    add(dir / ".claude" / "agents", "project", true);
    add(dir / ".opencode" / "agent", "project", true);
    add(dir / ".opencode" / "agents", "project", true);
    add(dir / ".agentry" / "agents", "project", true);
  }

  for (const auto& dir : extra_dirs)
    add(dir, "extra", false);
  return out;
}

Registry Registry::load(const std::vector<SearchDir>& search_path) {
  LoadResult loaded;
  for (const auto& dir : search_path) {
    std::error_code ec;
    if (fs::is_directory(dir.path, ec)) {
      load_agent_dir(dir.path, dir.scope, loaded);
    } else {
      loaded.diagnostics.push_back({Severity::kError, dir.path, 1, 1,
                                    "agents folder not found: check the path given to "
                                    "--agents-dir"});
    }
  }
  return from_loaded(std::move(loaded));
}

Registry Registry::from_loaded(LoadResult loaded) {
  Registry registry;
  registry.files_loaded_ = loaded.agents.size();
  registry.diagnostics_ = std::move(loaded.diagnostics);
  std::unordered_map<std::string, std::size_t> index;
  index.reserve(loaded.agents.size());
  for (auto& def : loaded.agents) {
    auto [it, inserted] = index.try_emplace(def.name, registry.agents_.size());
    if (inserted) {
      registry.agents_.push_back(std::move(def));
      continue;
    }
    AgentDefinition& previous = registry.agents_[it->second];
    bool same_scope = previous.scope == def.scope;
    registry.diagnostics_.push_back(
        {same_scope ? Severity::kWarning : Severity::kInfo, def.source, 1, 1,
         fmt::format("agent '{}' is defined again here: it shadows {} ({} scope), the later "
                     "definition wins",
                     def.name, previous.source.string(), previous.scope)});
    previous = std::move(def);
  }
  std::sort(registry.agents_.begin(), registry.agents_.end(),
            [](const AgentDefinition& a, const AgentDefinition& b) { return a.name < b.name; });
  return registry;
}

const AgentDefinition* Registry::find(std::string_view name) const {
  auto it =
      std::lower_bound(agents_.begin(), agents_.end(), name,
                       [](const AgentDefinition& a, std::string_view n) { return a.name < n; });
  return it != agents_.end() && it->name == name ? &*it : nullptr;
}

std::vector<std::string> Registry::similar_names(std::string_view name, std::size_t limit) const {
  // A name that contains what was typed ranks with the closest typos; ties go to the closer.
  std::vector<std::tuple<std::size_t, std::size_t, std::string_view>> scored;
  std::size_t threshold = std::max<std::size_t>(2, name.size() / 3);
  for (const auto& def : agents_) {
    std::size_t distance = edit_distance(name, def.name);
    bool contains = !name.empty() && def.name.find(name) != std::string::npos;
    if (distance <= threshold || contains) {
      scored.emplace_back(std::min(distance, threshold), distance, def.name);
    }
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < limit; ++i) {
    out.emplace_back(std::get<2>(scored[i]));
  }
  return out;
}

}  // namespace agentry::agents
