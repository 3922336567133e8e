#pragma once
/// std::streambufs over raw file descriptors for the stdio transport. The input side can be
/// interrupted from another thread (a signal watcher), which a read blocked in std::cin cannot;
/// the output side writes the protocol to a private duplicate of stdout, so that stray writes to
/// fd 1 from anywhere in the process cannot corrupt the message stream.
#include <array>
#include <streambuf>
#include <string>

#include "core/unique_fd.hpp"

namespace agentry::cli::mcp {

/// Reads `fd` (not owned). interrupt() makes it report end of input, even while blocked.
class FdInputBuf final : public std::streambuf {
 public:
  explicit FdInputBuf(int fd);
  /// Thread-safe; idempotent.
  void interrupt();

 protected:
  int_type underflow() override;

 private:
  int fd_;
  UniqueFd wake_read_;
  UniqueFd wake_write_;
  std::array<char, 64 * 1024> buffer_{};
};

/// Writes to `fd` (owned) on every flush; a failed write (EPIPE: the client is gone) makes the
/// stream fail. SIGPIPE must be ignored by the caller for EPIPE to be seen.
class FdOutputBuf final : public std::streambuf {
 public:
  explicit FdOutputBuf(UniqueFd fd) : fd_(std::move(fd)) {}

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  UniqueFd fd_;
  std::string pending_;
};

}  // namespace agentry::cli::mcp
