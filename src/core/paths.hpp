#pragma once
/// Where agentry looks for things: the project root, config files, the data directory.
#include <filesystem>
#include <optional>
#include <vector>

#include "core/environment.hpp"

namespace agentry {

/// The project root for `start`: the nearest ancestor (start included) that holds `.git` or
/// `.agentry`; nullopt when there is none (then only user-level files apply).
std::optional<std::filesystem::path> find_project_root(const std::filesystem::path& start);

/// Every directory from `start` up to and including `root` (nearest first). When `root` is not an
/// ancestor of `start`, just `start`.
std::vector<std::filesystem::path> directories_up_to(const std::filesystem::path& start,
                                                     const std::filesystem::path& root);

/// ~/.config/agentry (honours XDG_CONFIG_HOME).
std::filesystem::path user_config_dir(const Environment& env);
/// ~/.local/share/agentry (honours XDG_DATA_HOME): sessions, history.
std::filesystem::path user_data_dir(const Environment& env);

}  // namespace agentry
