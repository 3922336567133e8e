#pragma once
/// Opening paths below a directory descriptor without ever leaving it, whatever another process
/// does to the tree meanwhile (a folder swapped for a symlink between a check and a use).
///
/// openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS does it in one call: a symlink that
/// stays below the directory is followed, one that leads out (or an absolute one, or `..` above
/// it) fails with EXDEV. Kernels before 5.6 lack openat2 (ENOSYS); there the path is walked one
/// component at a time with O_NOFOLLOW, so any symlink on the way fails with ELOOP. The callers
/// resolve symlinks themselves first (Workspace::resolve), so a symlink met here means the tree
/// changed under them, and refusing it is right.
#include <filesystem>
#include <sys/types.h>

#include "core/unique_fd.hpp"

namespace agentry::tools {

/// Opens `rel` (relative, without `..`) below `dirfd` with open(2) `flags` (O_CLOEXEC added).
/// An invalid descriptor with errno set on failure: EXDEV or ELOOP when the path would leave
/// `dirfd` through a symlink.
UniqueFd open_beneath(int dirfd, const std::filesystem::path& rel, int flags, mode_t mode = 0);

/// The same through the component walk only, as on a kernel without openat2 (for tests).
UniqueFd open_beneath_by_walk(int dirfd, const std::filesystem::path& rel, int flags,
                              mode_t mode = 0);

/// The folder `rel` below `dirfd`, opened O_PATH | O_DIRECTORY; with `create`, the missing
/// folders on the way are made (mkdirat, mode 0777 less the umask), one component at a time,
/// each opened beneath its parent. Invalid with errno set on failure.
UniqueFd open_directory_beneath(int dirfd, const std::filesystem::path& rel, bool create);

/// Where the kernel says the open descriptor `fd` is (from /proc/self/fd); empty when unknown.
std::filesystem::path descriptor_path(int fd);

}  // namespace agentry::tools
