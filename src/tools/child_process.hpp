#pragma once
/// The RAII handle of a spawned child that leads its own process group. Destroying a handle
/// that was not reaped kills the whole group and reaps the child, so no early return, error or
/// exception can leave a zombie or a running tree behind.
#include <optional>
#include <sys/types.h>

#include "core/unique_fd.hpp"

namespace agentry::tools {

class ChildProcess {
 public:
  /// Takes ownership of `pid`, which must lead its own process group (setpgid(0, 0)).
  explicit ChildProcess(pid_t pid);
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  /// A descriptor that polls readable once the child has exited; -1 when the kernel has no
  /// pidfd (then poll with a timeout and ask has_exited()).
  int exit_fd() const { return pidfd_.get(); }
  /// True once the child has exited; it stays unreaped, so its pid and group id stay reserved.
  bool has_exited();
  /// Sends `signal` to every process of the child's group.
  void signal_group(int signal) const;
  /// Kills what is left of the group, waits for the child and returns its wait status.
  int reap();

 private:
  pid_t pid_ = -1;
  UniqueFd pidfd_;
  std::optional<int> status_;
};

}  // namespace agentry::tools
