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
    auto dirs = directories_up_to(cwd, *root);
    std::reverse(dirs.begin(), dirs.end());
    return dirs;
  }
  return {cwd};
}

void SearchPathBuilder::add(const fs::path& dir, std::string_view scope, bool must_exist) {
  std::error_code ec;
  if (must_exist && !fs::is_directory(dir, ec)) return;
  fs::path key = fs::weakly_canonical(dir, ec);
  if (ec) key = dir.lexically_normal();
  if (std::find(seen_.begin(), seen_.end(), key) != seen_.end()) return;
  seen_.push_back(key);
  dirs_.push_back({dir, std::string(scope)});
}

std::vector<SearchDir> agent_search_path(const Environment& env, const fs::path& data_dir,
                                         const fs::path& cwd,
                                         const std::vector<fs::path>& extra_dirs) {
  SearchPathBuilder path;
  path.add(data_dir / "agents", "builtin", true);

  path.add(env.home() / ".claude" / "agents", "user", true);
  path.add(env.config_home() / "opencode" / "agent", "user", true);
  path.add(env.config_home() / "opencode" / "agents", "user", true);
  path.add(user_config_dir(env) / "agents", "user", true);

  for (const auto& dir : project_directories(cwd)) {
    path.add(dir / ".claude" / "agents", "project", true);
    path.add(dir / ".opencode" / "agent", "project", true);
    path.add(dir / ".opencode" / "agents", "project", true);
    path.add(dir / ".agentry" / "agents", "project", true);
  }

  for (const auto& dir : extra_dirs)
    path.add(dir, "extra", false);
  return path.take();
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
  registry.agents_ =
      keep_later_definitions(std::move(loaded.agents), "agent", registry.diagnostics_);
  return registry;
}

const AgentDefinition* Registry::find(std::string_view name) const {
  return find_by_name(agents_, name);
}

std::vector<std::string> similar_names(std::string_view name,
                                       const std::vector<std::string_view>& names,
                                       std::size_t limit) {
  // A name that contains what was typed ranks with the closest typos; ties go to the closer.
  std::vector<std::tuple<std::size_t, std::size_t, std::string_view>> scored;
  std::size_t threshold = std::max<std::size_t>(2, name.size() / 3);
  for (auto candidate : names) {
    std::size_t distance = edit_distance(name, candidate);
    bool contains = !name.empty() && candidate.find(name) != std::string_view::npos;
    if (distance <= threshold || contains) {
      scored.emplace_back(std::min(distance, threshold), distance, candidate);
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

std::vector<std::string> Registry::similar_names(std::string_view name, std::size_t limit) const {
  std::vector<std::string_view> names;
  names.reserve(agents_.size());
  for (const auto& def : agents_)
    names.emplace_back(def.name);
  return agents::similar_names(name, names, limit);
}

}  // namespace agentry::agents
