#include "cli/mcp/fd_stream.hpp"

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace agentry::cli::mcp {

FdInputBuf::FdInputBuf(int fd) : fd_(fd) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) == 0) {
    wake_read_ = UniqueFd(pipe_fds[0]);
    wake_write_ = UniqueFd(pipe_fds[1]);
  }
}

void FdInputBuf::interrupt() {
  if (!wake_write_.valid()) return;
  char byte = 1;
  // A full pipe already holds a wake-up: nothing to do on EAGAIN.
  [[maybe_unused]] auto n = ::write(wake_write_.get(), &byte, 1);
}

FdInputBuf::int_type FdInputBuf::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  for (;;) {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_read_.get(), POLLIN, 0}};
    int ready = ::poll(fds, wake_read_.valid() ? 2 : 1, -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return traits_type::eof();
    }
    if (wake_read_.valid() && (fds[1].revents & POLLIN)) return traits_type::eof();
    if (fds[0].revents == 0) continue;
    ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return traits_type::eof();
    setg(buffer_.data(), buffer_.data(), buffer_.data() + n);
    return traits_type::to_int_type(buffer_[0]);
  }
}

FdOutputBuf::int_type FdOutputBuf::overflow(int_type c) {
  if (!traits_type::eq_int_type(c, traits_type::eof())) pending_ += traits_type::to_char_type(c);
  return traits_type::not_eof(c);
}

std::streamsize FdOutputBuf::xsputn(const char* s, std::streamsize n) {
  pending_.append(s, static_cast<std::size_t>(n));
  return n;
}

int FdOutputBuf::sync() {
  std::size_t done = 0;
  while (done < pending_.size()) {
    ssize_t n = ::write(fd_.get(), pending_.data() + done, pending_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      pending_.clear();
      return -1;
    }
    done += static_cast<std::size_t>(n);
  }
  pending_.clear();
  return 0;
}

}  // namespace agentry::cli::mcp
