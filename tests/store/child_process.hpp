#pragma once
/// Child processes for the store's multi-process and crash tests. The child runs `body` and
/// leaves with _exit(), so it never runs doctest's or the parent's destructors.
#include <cerrno>
#include <cstdio>
#include <exception>
#include <functional>
#include <signal.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace agentry::store::test {

/// Forks; the child runs `body` and exits with its return value (99 if it threw).
inline pid_t fork_child(const std::function<int()>& body) {
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int code = 99;
    try {
      code = body();
    } catch (...) {
    }
    ::_exit(code);
  }
  return pid;
}

/// Waits for `pid`; its exit code, or 128 + signal when a signal ended it.
inline int wait_child(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

/// A pipe whose ends close with the object.
struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    read_end = fds[0];
    write_end = fds[1];
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  void close_read() {
    if (read_end >= 0) ::close(read_end);
    read_end = -1;
  }
  void close_write() {
    if (write_end >= 0) ::close(write_end);
    write_end = -1;
  }
  /// Reads exactly `n` bytes; false at end of file.
  bool read_bytes(std::size_t n) const {
    char buffer[256];
    while (n > 0) {
      ssize_t got = ::read(read_end, buffer, n < sizeof buffer ? n : sizeof buffer);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return false;
      n -= static_cast<std::size_t>(got);
    }
    return true;
  }
  void write_byte() const {
    char c = 1;
    while (::write(write_end, &c, 1) < 0 && errno == EINTR) {
    }
  }
};

}  // namespace agentry::store::test
