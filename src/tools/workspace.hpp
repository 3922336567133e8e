#pragma once
/// Confinement of model-given paths to the workspace. Every file tool resolves its `path`
/// through a Workspace before touching the disk: `..` escapes, absolute paths elsewhere,
/// symlinks that lead out (even dangling ones, which a write would follow) and symlink loops
/// are refused with a message the model can act on.
///
/// The check resolves symlinks itself, component by component, so what it approves is the
/// real location the tool then opens. The tools then open that location relative to the root's
/// descriptor (beneath.hpp), never by its absolute name, so a process swapping a folder for a
/// symlink between the check and the use cannot send a read or a write outside.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/unique_fd.hpp"

namespace agentry::tools {

class Workspace {
 public:
  /// `root` must be an existing directory; it is made canonical.
  [[nodiscard]] static Result<Workspace> open(const std::filesystem::path& root);
  /// The same for a folder outside the workspace that tools only read (a loaded skill's):
  /// confined the same way, but display() shows absolute paths, which are what the model
  /// names its files by.
  [[nodiscard]] static Result<Workspace> open_read_root(const std::filesystem::path& root);

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

  /// The root, opened O_PATH | O_DIRECTORY when the workspace was opened; every file tool opens
  /// relative to it. Shared by copies of this Workspace.
  int root_fd() const { return root_fd_->get(); }

  /// `path` (absolute, inside) relative to the root: "src/lib.rs"; empty for the root itself.
  std::filesystem::path relative(const std::filesystem::path& path) const;

  /// True when `path` (absolute, already resolved) lies in a settings folder below the root:
  /// a component named `.git`, `.agentry`, `.claude` or `.opencode`, compared without regard
  /// to ASCII case (on a case-insensitive file system `.GIT` is `.git`).
  bool in_settings_folder(const std::filesystem::path& path) const;

  /// The model's message when opening `path` below the root failed because a symlink on the
  /// way now leads out (the tree changed after resolve()): resolve()'s own message when it now
  /// sees the link, otherwise one that says so.
  std::string escaped_message(const std::filesystem::path& path) const;

 private:
  Workspace(std::filesystem::path root, std::shared_ptr<const UniqueFd> root_fd)
      : root_(std::move(root)), root_fd_(std::move(root_fd)) {}
  std::filesystem::path root_;
  std::shared_ptr<const UniqueFd> root_fd_;
  bool absolute_display_ = false;  ///< open_read_root: display() gives absolute paths
};

/// True when `name` is one of the settings folder names, compared without regard to case.
bool is_settings_folder_name(std::string_view name);

}  // namespace agentry::tools
