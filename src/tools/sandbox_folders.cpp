#include "tools/sandbox_folders.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <fstream>
#include <string_view>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace agentry::tools {

namespace fs = std::filesystem;

namespace {

constexpr std::array<std::string_view, 4> kSettingsNames = {".git", ".agentry", ".claude",
                                                            ".opencode"};

/// The folder a `.git` file names ("gitdir: PATH", relative to the file's folder), or empty.
fs::path gitdir_of(const fs::path& git_file) {
  std::ifstream in(git_file);
  std::string line;
  if (!std::getline(in, line) || line.size() > 4096 || !line.starts_with("gitdir:")) return {};
  std::string_view dir(line);
  dir.remove_prefix(7);
  while (!dir.empty() && (dir.front() == ' ' || dir.front() == '\t'))
    dir.remove_prefix(1);
  while (!dir.empty() && (dir.back() == '\r' || dir.back() == ' '))
    dir.remove_suffix(1);
  if (dir.empty()) return {};
  fs::path p(dir);
  return p.is_absolute() ? p : git_file.parent_path() / p;
}

}  // namespace

bool is_within(const fs::path& path, const fs::path& dir) {
  auto [d, p] = std::mismatch(dir.begin(), dir.end(), path.begin(), path.end());
  return d == dir.end();
}

bool CreatedFolders::acquire(const fs::path& path) {
  std::lock_guard lock(mutex_);
  if (auto it = users_.find(path); it != users_.end()) {
    ++it->second;
    return true;
  }
  if (::mkdir(path.c_str(), 0755) != 0) return false;  // it exists: the user's own
  users_.emplace(path, 1);
  return true;
}

void CreatedFolders::release(const fs::path& path) {
  std::lock_guard lock(mutex_);
  auto it = users_.find(path);
  if (it == users_.end() || --it->second > 0) return;
  users_.erase(it);
  ::rmdir(path.c_str());  // fails, and keeps it, when something was put in it meanwhile
}

bool SettingsFolders::is_settings_name(const fs::path& name) {
  std::string lower = name.string();
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(kSettingsNames.begin(), kSettingsNames.end(), lower) != kSettingsNames.end();
}

SettingsFolders::SettingsFolders(const std::vector<fs::path>& writable, CreatedFolders& created)
    : created_(created) {
  std::error_code ec;
  for (const auto& root : writable) {
    auto canonical = fs::canonical(root, ec);
    if (!ec && fs::is_directory(canonical, ec)) roots_.push_back(canonical);
  }
  for (const auto& root : roots_) {
    for (auto name : kSettingsNames)
      protect(root / name, true);
    // Deeper ones (nested repositories, submodules, member crates' settings) as they are.
    std::size_t seen = 0;
    for (auto it = fs::recursive_directory_iterator(
             root, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::end(it) && seen < kMaxWalkEntries; it.increment(ec), ++seen) {
      auto name = it->path().filename();
      bool settings = is_settings_name(name);
      if (settings && it.depth() > 0) protect(it->path(), false);
      if (settings || name == "target" || name == "node_modules" || it.depth() + 1 >= kMaxWalkDepth)
        it.disable_recursion_pending();
    }
  }
  std::sort(read_only_.begin(), read_only_.end());
  read_only_.erase(std::unique(read_only_.begin(), read_only_.end()), read_only_.end());
  // Sorted, a folder comes before everything inside it: bwrap binds the parent first.
}

SettingsFolders::~SettingsFolders() {
  for (const auto& link : links_) {
    std::error_code ec;
    if (fs::is_symlink(link.path, ec) && fs::read_symlink(link.path, ec) == link.target && !ec)
      continue;
    // Replaced from inside: put the link back, and what took its place aside (under a name no
    // earlier run used, so that the rename cannot fail on one).
    if (fs::symlink_status(link.path, ec).type() != fs::file_type::not_found) {
      for (int n = 0; n < 100; ++n) {
        fs::path aside = link.path;
        aside += n == 0 ? std::string(".replaced-in-sandbox")
                        : ".replaced-in-sandbox." + std::to_string(n);
        if (fs::symlink_status(aside, ec).type() != fs::file_type::not_found) continue;
        fs::rename(link.path, aside, ec);
        break;
      }
    }
    fs::create_symlink(link.target, link.path, ec);
  }
  for (auto it = acquired_.rbegin(); it != acquired_.rend(); ++it)
    created_.release(*it);
}

bool SettingsFolders::writable(const fs::path& canonical) const {
  return std::any_of(roots_.begin(), roots_.end(),
                     [&](const fs::path& root) { return is_within(canonical, root); });
}

void SettingsFolders::protect(const fs::path& path, bool create) {
  if (read_only_.size() >= kMaxProtected) return;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno != ENOENT || !create) return;
    if (created_.acquire(path)) {
      acquired_.push_back(path);
      read_only_.push_back(path);
      return;
    }
    // Made by someone else since: protect it as it is now.
    if (::lstat(path.c_str(), &st) != 0) return;
  }
  std::error_code ec;
  if (S_ISLNK(st.st_mode)) {
    links_.push_back({path, fs::read_symlink(path, ec)});
    if (ec) links_.pop_back();
    protect_target(fs::weakly_canonical(path, ec), create);
  } else if (S_ISDIR(st.st_mode)) {
    read_only_.push_back(path);
  } else if (S_ISREG(st.st_mode)) {
    read_only_.push_back(path);
    if (auto gitdir = gitdir_of(path); !gitdir.empty())
      protect_target(fs::weakly_canonical(gitdir, ec), false);
  }
}

void SettingsFolders::protect_target(const fs::path& target, bool create) {
  // A target outside every writable root is read-only in the sandbox already.
  if (target.empty() || !writable(target)) return;
  std::error_code ec;
  if (!fs::exists(target, ec)) {
    if (!create || !fs::is_directory(target.parent_path(), ec) || !created_.acquire(target)) return;
    acquired_.push_back(target);
  }
  read_only_.push_back(target);
}

}  // namespace agentry::tools
