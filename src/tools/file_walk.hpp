#pragma once
/// Walking a workspace folder for glob, grep and the snapshots: regular files only, symlinks
/// not followed (they could lead out or loop), target/ and .git/ skipped, in sorted order. The
/// walk reads folders through descriptors opened beneath the workspace root, one level at a
/// time with O_NOFOLLOW, so a folder swapped for a symlink while it runs is not entered.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "tools/workspace.hpp"

namespace agentry::tools {

/// Calls `visit(file, relative_path)` for each file under `dir` (resolved by `workspace`);
/// stops when it returns false. Returns the number of files visited.
std::size_t walk_files(
    const Workspace& workspace, const std::filesystem::path& dir,
    const std::function<bool(const std::filesystem::path&, const std::string&)>& visit);

/// The names in the folder open as `dirfd` (any open mode but O_PATH), sorted, without `.`
/// and `..`; empty when it cannot be read.
std::vector<std::string> folder_entries(int dirfd);

}  // namespace agentry::tools
