#pragma once
/// Confinement of model-given paths to the workspace. Every file tool resolves its `path`
/// through a Workspace before touching the disk: `..` escapes, absolute paths elsewhere,
/// symlinks that lead out (even dangling ones, which a write would follow) and symlink loops
/// are refused with a message the model can act on.
///
/// The check resolves symlinks itself, component by component, so what it approves is the
/// real location the tool then opens. (A concurrent process swapping a directory for a symlink
/// between check and use is outside what this guards against; the sandbox covers that case.)
#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace agentry::tools {

class Workspace {
 public:
  /// `root` must be an existing directory; it is made canonical.
  [[nodiscard]] static Result<Workspace> open(const std::filesystem::path& root);

  /// The canonical root.
  const std::filesystem::path& root() const { return root_; }

  /// The real absolute location of `given` (relative paths are taken from the root), with every
  /// symlink resolved; the last components may not exist yet. An Error (kPermission) whose
  /// message is written for the model when it lies outside or cannot be resolved.
  [[nodiscard]] Result<std::filesystem::path> resolve(std::string_view given) const;

  /// `path` relative to the root, for messages ("src/lib.rs"; "." for the root itself).
  std::string display(const std::filesystem::path& path) const;

  /// True when `path` (absolute, already resolved) is the root or below it.
  bool contains(const std::filesystem::path& path) const;

 private:
  explicit Workspace(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path root_;
};

}  // namespace agentry::tools
