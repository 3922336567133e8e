#pragma once
/// Writing a whole buffer to a descriptor: write(2) may take part of it, or be interrupted.
#include <string_view>

namespace agentry {

/// Writes all of `bytes` to `fd`, going on after a partial write or EINTR. False on failure,
/// with errno set (EIO when write(2) took nothing without an error).
bool write_all(int fd, std::string_view bytes);

}  // namespace agentry
