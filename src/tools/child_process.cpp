#include "tools/child_process.hpp"

#include <cerrno>
#include <csignal>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>

namespace agentry::tools {

namespace {

int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

}  // namespace

ChildProcess::ChildProcess(pid_t pid) : pid_(pid), pidfd_(open_pidfd(pid)) {}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      pidfd_(std::move(other.pidfd_)),
      status_(std::exchange(other.status_, std::nullopt)) {}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !status_) reap();
}

bool ChildProcess::has_exited() {
  if (status_) return true;
  siginfo_t info{};
  // WNOWAIT leaves the child a zombie: its pid cannot be reused while we still signal its group.
  int rc = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT);
  if (rc == -1) return errno == ECHILD;  // someone reaped it (SIGCHLD ignored): nothing to wait for
  return info.si_pid == pid_;
}

void ChildProcess::signal_group(int signal) const {
  if (pid_ > 0 && !status_) ::kill(-pid_, signal);
}

int ChildProcess::reap() {
  if (status_) return *status_;
  // Whatever the leader did, the rest of its group must not survive it.
  ::kill(-pid_, SIGKILL);
  int status = 0;
  pid_t rc;
  do {
    rc = ::waitpid(pid_, &status, 0);
  } while (rc == -1 && errno == EINTR);
  if (rc == -1) status = 0;
  status_ = status;
  pidfd_.reset();
  return status;
}

}  // namespace agentry::tools
