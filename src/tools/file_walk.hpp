#pragma once
/// Walking a workspace folder for glob and grep: regular files only, symlinks not followed
/// (they could lead out or loop), target/ and .git/ skipped, in sorted order.
#include <cstddef>
#include <filesystem>
#include <functional>

namespace agentry::tools {

/// Calls `visit(file, relative_path)` for each file under `root`; stops when it returns false.
/// Returns the number of files visited.
std::size_t walk_files(
    const std::filesystem::path& root,
    const std::function<bool(const std::filesystem::path&, const std::string&)>& visit);

}  // namespace agentry::tools
