#pragma once
/// The sandbox's seccomp filter: no filesystem (pathname) Unix socket of the host may be reached
/// from inside, and a read-only bind does not stop connect(). So the filter refuses what would
/// reach one:
///  - socket(AF_UNIX, …) fails with EACCES (abstract sockets live in the network namespace,
///    which the sandbox does not share anyway);
///  - socketpair(AF_UNIX, SOCK_DGRAM, …) fails with EACCES: a datagram socket can be pointed at
///    any path by connect() or sendto()/sendmsg(); stream and seqpacket pairs stay (they are
///    connected for good, and many programs use them);
///  - io_uring_setup fails with ENOSYS (IORING_OP_SOCKET creates sockets past the filter);
///  - ioctl(TIOCSTI) and ioctl(TIOCLINUX) fail with EPERM (typing into agentry's terminal);
///  - a system call of another ABI than the native one (i386, whose socketcall() hides its
///    arguments from the filter, and x32) kills the process.
/// bwrap loads it (`--seccomp FD`) after setting up the namespaces, just before it runs the
/// command, and every process started inside inherits it.
#include <string>

#include "core/error.hpp"
#include "core/unique_fd.hpp"

namespace agentry::tools {

/// The filter as classic BPF, the form `bwrap --seccomp` reads; a kTool Error when libseccomp
/// cannot build it.
[[nodiscard]] Result<std::string> unix_socket_filter();

/// A fresh in-memory file holding `bpf`, at offset 0 (bwrap reads it to the end, so each run
/// needs its own).
[[nodiscard]] Result<UniqueFd> bpf_memfd(const std::string& bpf);

}  // namespace agentry::tools
