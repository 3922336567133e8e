#pragma once
/// The settings folders of a sandboxed run's writable roots: `.git`, `.agentry`, `.claude` and
/// `.opencode` hold what a later command trusts (git's config and hooks, agentry's and other
/// agents' settings), so sandboxed code must neither change nor create them.
///
/// SettingsFolders finds them before the run, for bwrap to bind read-only over the writable
/// binds: in each writable root (created there, empty, when absent, so that they cannot be
/// created either; removed after the run when still empty and no concurrent run uses them) and,
/// existing ones only, deeper down (a bounded walk that skips `target` and `node_modules`). A
/// `.git` file (a worktree, a submodule) is protected with the git directory it names when that
/// is writable; a symlink with its target when that is writable (created when absent). A symlink
/// itself lies in a writable folder and can be replaced; agentry puts it back after the run
/// (moving what took its place aside, to `<name>.replaced-in-sandbox`).
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace agentry::tools {

/// True when `path` is `dir` or lies below it, compared element by element (both absolute and
/// normal: canonical, or lexically normal).
bool is_within(const std::filesystem::path& path, const std::filesystem::path& dir);

/// Which settings folders concurrent runs created, so that one run's clean-up does not remove a
/// folder another run still has bound (which would uncover it there).
class CreatedFolders {
 public:
  /// Creates `path` (one level) when absent, or counts another user of one created earlier;
  /// true when the caller must release() it.
  bool acquire(const std::filesystem::path& path);
  /// Removes `path` when its last user releases it and it is still empty.
  void release(const std::filesystem::path& path);

 private:
  std::mutex mutex_;
  std::map<std::filesystem::path, int> users_;
};

class SettingsFolders {
 public:
  static constexpr std::size_t kMaxWalkEntries = 20'000;
  static constexpr int kMaxWalkDepth = 8;
  static constexpr std::size_t kMaxProtected = 256;

  SettingsFolders(const std::vector<std::filesystem::path>& writable, CreatedFolders& created);
  ~SettingsFolders();
  SettingsFolders(const SettingsFolders&) = delete;
  SettingsFolders& operator=(const SettingsFolders&) = delete;

  /// What to bind read-only, parents before what lies inside them.
  const std::vector<std::filesystem::path>& read_only() const { return read_only_; }

  /// True for `.git`, `.agentry`, `.claude`, `.opencode`, in any case.
  static bool is_settings_name(const std::filesystem::path& name);

 private:
  void protect(const std::filesystem::path& path, bool create);
  void protect_target(const std::filesystem::path& target, bool create);
  bool writable(const std::filesystem::path& canonical) const;

  struct Link {
    std::filesystem::path path;
    std::filesystem::path target;
  };
  std::vector<std::filesystem::path> roots_;  ///< canonical writable roots
  CreatedFolders& created_;
  std::vector<std::filesystem::path> acquired_;
  std::vector<std::filesystem::path> read_only_;
  std::vector<Link> links_;  ///< symlinked settings folders, put back after the run
};

}  // namespace agentry::tools
