#include "tools/sandbox_filter.hpp"

#include <cerrno>
#include <cstring>
#include <memory>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/fd_write.hpp"

namespace agentry::tools {

namespace {

struct FilterContextDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};
using FilterContext = std::unique_ptr<void, FilterContextDeleter>;

Error filter_error(const std::string& what, int rc) {
  return Error{ErrorCode::kTool,
               fmt::format("cannot build the sandbox's seccomp filter: {}: {}", what,
                           std::strerror(rc < 0 ? -rc : rc)),
               "sandbox", "check that libseccomp supports this architecture"};
}

}  // namespace

Result<std::string> unix_socket_filter() {
  FilterContext ctx(seccomp_init(SCMP_ACT_ALLOW));
  if (!ctx) return tl::make_unexpected(filter_error("seccomp_init", ENOMEM));
  // Only the native ABI is in the filter; any other is killed at its first system call.
  if (int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS); rc < 0)
    return tl::make_unexpected(filter_error("bad-architecture action", rc));
  struct Rule {
    const char* what;
    int syscall;
    std::uint32_t action;
    std::vector<scmp_arg_cmp> args;
  };
  const std::vector<Rule> rules = {
      {"socket(AF_UNIX)",
       SCMP_SYS(socket),
       SCMP_ACT_ERRNO(EACCES),
       {SCMP_A0(SCMP_CMP_EQ, AF_UNIX)}},
      {"socketpair(AF_UNIX, SOCK_DGRAM)",
       SCMP_SYS(socketpair),
       SCMP_ACT_ERRNO(EACCES),
       // The type's low bits; SOCK_NONBLOCK and SOCK_CLOEXEC may be or-ed in above them.
       {SCMP_A0(SCMP_CMP_EQ, AF_UNIX), SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_DGRAM)}},
      {"io_uring_setup", SCMP_SYS(io_uring_setup), SCMP_ACT_ERRNO(ENOSYS), {}},
      {"ioctl(TIOCSTI)",
       SCMP_SYS(ioctl),
       SCMP_ACT_ERRNO(EPERM),
       {SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffU, TIOCSTI)}},
      {"ioctl(TIOCLINUX)",
       SCMP_SYS(ioctl),
       SCMP_ACT_ERRNO(EPERM),
       {SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffU, TIOCLINUX)}},
  };
  for (const auto& rule : rules) {
    int rc = seccomp_rule_add_array(ctx.get(), rule.action, rule.syscall,
                                    static_cast<unsigned>(rule.args.size()), rule.args.data());
    if (rc < 0) return tl::make_unexpected(filter_error(rule.what, rc));
  }
  auto file = bpf_memfd({});
  if (!file) return tl::make_unexpected(file.error());
  if (int rc = seccomp_export_bpf(ctx.get(), file->get()); rc < 0)
    return tl::make_unexpected(filter_error("exporting the BPF", rc));
  std::string bpf;
  if (::lseek(file->get(), 0, SEEK_SET) != 0)
    return tl::make_unexpected(filter_error("rewinding the BPF", errno));
  char chunk[4096];
  while (true) {
    ssize_t n = ::read(file->get(), chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return tl::make_unexpected(filter_error("reading the BPF", errno));
    if (n == 0) break;
    bpf.append(chunk, static_cast<std::size_t>(n));
  }
  return bpf;
}

Result<UniqueFd> bpf_memfd(const std::string& bpf) {
  UniqueFd fd(::memfd_create("agentry-sandbox-seccomp", MFD_CLOEXEC));
  if (!fd.valid())
    return fail(ErrorCode::kTool,
                fmt::format("cannot create the sandbox's filter file: {}", std::strerror(errno)),
                "sandbox");
  if (!write_all(fd.get(), bpf))
    return fail(ErrorCode::kTool,
                fmt::format("cannot write the sandbox's filter: {}", std::strerror(errno)),
                "sandbox");
  if (::lseek(fd.get(), 0, SEEK_SET) != 0)
    return fail(ErrorCode::kTool,
                fmt::format("cannot rewind the sandbox's filter: {}", std::strerror(errno)),
                "sandbox");
  return fd;
}

}  // namespace agentry::tools
