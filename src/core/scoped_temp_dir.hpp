#pragma once
/// A temporary directory that is removed, with everything in it, when the object dies — unless
/// keep() was called (e.g. `demo --keep`, `batch --keep-workspaces`).
#include <filesystem>
#include <string_view>

#include "core/error.hpp"

namespace agentry {

class ScopedTempDir {
 public:
  /// Creates $TMPDIR/<prefix>-XXXXXX.
  [[nodiscard]] static Result<ScopedTempDir> create(std::string_view prefix);
  ScopedTempDir(ScopedTempDir&& other) noexcept;
  ScopedTempDir& operator=(ScopedTempDir&&) = delete;
  ScopedTempDir(const ScopedTempDir&) = delete;
  ~ScopedTempDir();

  const std::filesystem::path& path() const { return path_; }
  void keep() { keep_ = true; }

 private:
  explicit ScopedTempDir(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
  bool keep_ = false;
};

/// Copies the tree at `from` into `to` (created), leaving out `target/` and `.git/` folders.
[[nodiscard]] Result<void> copy_tree(const std::filesystem::path& from,
                                     const std::filesystem::path& to);

}  // namespace agentry
