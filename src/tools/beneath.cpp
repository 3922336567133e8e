#include "tools/beneath.hpp"

#include <cerrno>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace agentry::tools {

namespace fs = std::filesystem;

namespace {

bool has_dot_dot(const fs::path& rel) {
  for (const auto& part : rel)
    if (part == "..") return true;
  return false;
}

/// openat2, or -1 with errno ENOSYS where the kernel (or a seccomp filter) lacks it.
int openat2_beneath(int dirfd, const fs::path& rel, int flags, mode_t mode) {
#ifdef SYS_openat2
  open_how how{};
  how.flags = static_cast<unsigned long long>(flags);
  how.mode = (flags & (O_CREAT | O_TMPFILE)) != 0 ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  int fd;
  do {
    fd = static_cast<int>(::syscall(SYS_openat2, dirfd, rel.c_str(), &how, sizeof how));
  } while (fd < 0 && errno == EAGAIN);
  return fd;
#else
  (void)dirfd, (void)rel, (void)flags, (void)mode;
  errno = ENOSYS;
  return -1;
#endif
}

}  // namespace

UniqueFd open_beneath_by_walk(int dirfd, const fs::path& rel, int flags, mode_t mode) {
  if (rel.is_absolute() || has_dot_dot(rel)) {
    errno = EXDEV;
    return UniqueFd();
  }
  std::vector<fs::path> parts;
  for (const auto& part : rel)
    if (!part.empty() && part != ".") parts.push_back(part);
  if (parts.empty()) return UniqueFd(::openat(dirfd, ".", flags | O_CLOEXEC, mode));
  UniqueFd current;
  int at = dirfd;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    UniqueFd next(::openat(at, parts[i].c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next.valid()) {
      if (errno == ENOTDIR) {
        struct stat st {};
        if (::fstatat(at, parts[i].c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
          errno = ELOOP;
      }
      return UniqueFd();
    }
    current = std::move(next);
    at = current.get();
  }
  return UniqueFd(::openat(at, parts.back().c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode));
}

UniqueFd open_beneath(int dirfd, const fs::path& rel, int flags, mode_t mode) {
  if (rel.is_absolute()) {
    errno = EXDEV;
    return UniqueFd();
  }
  const fs::path& target = rel.empty() ? fs::path(".") : rel;
  int fd = openat2_beneath(dirfd, target, flags | O_CLOEXEC, mode);
  if (fd >= 0 || errno != ENOSYS) return UniqueFd(fd);
  return open_beneath_by_walk(dirfd, target, flags, mode);
}

UniqueFd open_directory_beneath(int dirfd, const fs::path& rel, bool create) {
  constexpr int kDirFlags = O_PATH | O_DIRECTORY;
  if (!create) return open_beneath(dirfd, rel, kDirFlags);
  if (rel.is_absolute() || has_dot_dot(rel)) {
    errno = EXDEV;
    return UniqueFd();
  }
  UniqueFd current(::openat(dirfd, ".", kDirFlags | O_CLOEXEC));
  for (const auto& part : rel) {
    if (part.empty() || part == ".") continue;
    UniqueFd next = open_beneath(current.get(), part, kDirFlags);
    if (!next.valid() && errno == ENOENT) {
      if (::mkdirat(current.get(), part.c_str(), 0777) != 0 && errno != EEXIST) return UniqueFd();
      next = open_beneath(current.get(), part, kDirFlags);
    }
    if (!next.valid()) return UniqueFd();
    current = std::move(next);
  }
  return current;
}

fs::path descriptor_path(int fd) {
  std::error_code ec;
  fs::path where = fs::read_symlink("/proc/self/fd/" + std::to_string(fd), ec);
  return ec ? fs::path() : where;
}

}  // namespace agentry::tools
