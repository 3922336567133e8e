#pragma once
/// --isolate: each task works on its own copy of its directory, so tasks that write to the same
/// crate can run at once. The copy skips the top-level `target/` (builds go to the crate's shared
/// CARGO_TARGET_DIR instead) and keeps symlinks as symlinks.
#include <filesystem>
#include <string>

#include "batch/task.hpp"
#include "core/error.hpp"

namespace agentry::batch {

/// Copies the tree at `source` to `dest` (which must not exist yet; its parents are created).
[[nodiscard]] Result<void> copy_workspace(const std::filesystem::path& source,
                                          const std::filesystem::path& dest);

/// Where the copy for `task` goes under `root`: root/<id made file-name safe>-<hash>/<cwd name>,
/// unique per (id, definition) and recognisable when kept.
std::filesystem::path workspace_path(const std::filesystem::path& root, const BatchTask& task);

}  // namespace agentry::batch
