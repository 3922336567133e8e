#include "tools/file_walk.hpp"

#include <algorithm>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <vector>

#include "core/unique_fd.hpp"
#include "tools/beneath.hpp"
#include "tools/executors.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;

namespace {

using Visit = std::function<bool(const fs::path&, const std::string&)>;

}  // namespace

std::vector<std::string> folder_entries(int dirfd) {
  std::vector<std::string> names;
  int copy = ::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (copy < 0) return names;
  DIR* d = ::fdopendir(copy);
  if (d == nullptr) {
    ::close(copy);
    return names;
  }
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

namespace {

bool walk(int dirfd, const fs::path& dir, const std::string& prefix, std::size_t& count,
          const Visit& visit) {
  for (const auto& name : folder_entries(dirfd)) {
    struct stat st {};
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    std::string rel = prefix + name;
    if (S_ISDIR(st.st_mode)) {
      if (is_skipped_directory(name)) continue;
      UniqueFd sub(::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (sub.valid() && !walk(sub.get(), dir / name, rel + "/", count, visit)) return false;
    } else if (S_ISREG(st.st_mode)) {
      ++count;
      if (!visit(dir / name, rel)) return false;
    }
  }
  return true;
}

}  // namespace

std::size_t walk_files(const Workspace& workspace, const fs::path& dir, const Visit& visit) {
  std::size_t count = 0;
  UniqueFd start =
      open_beneath(workspace.root_fd(), workspace.relative(dir), O_RDONLY | O_DIRECTORY);
  if (start.valid()) walk(start.get(), dir, "", count, visit);
  return count;
}

}  // namespace agentry::tools
