#include "tools/sandbox.hpp"

#include <system_error>

#include <fmt/format.h>

#include "tools/sandbox_filter.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> base_arguments(const fs::path& bwrap) {
  return {bwrap.string(),
          "--die-with-parent",
          "--unshare-net",
          "--unshare-pid",
          "--unshare-ipc",
          "--ro-bind",
          "/",
          "/",
          "--dev",
          "/dev",
          "--proc",
          "/proc",
          "--tmpfs",
          "/tmp"};
}

}  // namespace

Result<Sandbox> Sandbox::probe(ProcessRunner& runner, const Environment& environment) {
  auto bwrap = find_program("bwrap", environment);
  if (!bwrap)
    return fail(ErrorCode::kTool, "the sandbox needs bubblewrap, and `bwrap` is not in PATH",
                "sandbox",
                "install it (Debian: apt-get install bubblewrap) or turn the sandbox off");
  auto filter = unix_socket_filter();
  if (!filter) return tl::make_unexpected(filter.error());
  Sandbox sandbox(*bwrap, std::move(*filter));
  auto filter_file = sandbox.filter_fd();
  if (!filter_file) return tl::make_unexpected(filter_file.error());
  ProcessRequest req;
  req.argv = sandbox.wrap({"true"}, "/", {{}, {}, runtime_dirs(environment)});
  req.cwd = "/";
  req.environment = child_environment(environment);
  req.timeout = std::chrono::seconds(20);
  req.pass_fds = {filter_file->get()};
  auto result = runner.run(req, {});
  if (!result) return tl::make_unexpected(result.error());
  if (!result->succeeded()) {
    std::string why = result->err.text;
    while (!why.empty() && why.back() == '\n')
      why.pop_back();
    return fail(
        ErrorCode::kTool,
        fmt::format("bubblewrap cannot create a sandbox here: {}",
                    why.empty() ? "no reason given" : why),
        bwrap->string(),
        "unprivileged user namespaces may be off (sysctl kernel.unprivileged_userns_clone=1, "
        "or kernel.apparmor_restrict_unprivileged_userns=0), or this container forbids them "
        "or seccomp; turn the sandbox off to run without it");
  }
  return sandbox;
}

std::vector<std::string> Sandbox::wrap(const std::vector<std::string>& argv, const fs::path& cwd,
                                       const SandboxMounts& mounts) const {
  std::vector<std::string> out = base_arguments(bwrap_);
  // Hidden first: a writable path below one of them is bound again afterwards.
  for (const auto& path : mounts.hidden)
    out.insert(out.end(), {"--tmpfs", path.string()});
  std::error_code ec;
  for (const auto& path : mounts.writable) {
    if (fs::exists(path, ec)) out.insert(out.end(), {"--bind", path.string(), path.string()});
  }
  for (const auto& path : mounts.read_only)
    out.insert(out.end(), {"--ro-bind", path.string(), path.string()});
  out.insert(out.end(), {"--seccomp", std::to_string(kFilterFd), "--chdir", cwd.string(), "--"});
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

Result<UniqueFd> Sandbox::filter_fd() const {
  return bpf_memfd(filter_);
}

std::vector<fs::path> Sandbox::runtime_dirs(const Environment& environment) {
  std::vector<fs::path> out;
  std::error_code ec;
  auto add = [&](const fs::path& dir) {
    if (!dir.is_absolute() || fs::is_symlink(dir, ec) || !fs::is_directory(dir, ec)) return;
    fs::path normal = dir.lexically_normal();
    if (is_within(normal, "/tmp")) return;  // the private /tmp hides it already
    for (const auto& done : out)
      if (is_within(normal, done)) return;
    out.push_back(normal);
  };
  add("/run");
  add("/var/run");
  if (auto xdg = environment.get("XDG_RUNTIME_DIR"); xdg && !xdg->empty()) add(*xdg);
  return out;
}

Result<ProcessResult> SandboxedRunner::run(const ProcessRequest& request, std::stop_token stop) {
  std::error_code ec;
  // A target directory may not exist before the first build; create it so it can be bound.
  for (const auto& path : request.writable)
    fs::create_directories(path, ec);
  SettingsFolders folders(request.writable, created_);
  auto filter = sandbox_.filter_fd();
  if (!filter) return tl::make_unexpected(filter.error());
  ProcessRequest wrapped = request;
  wrapped.argv = sandbox_.wrap(
      request.argv, request.cwd,
      {request.writable, folders.read_only(), Sandbox::runtime_dirs(request.environment)});
  wrapped.pass_fds = {filter->get()};
  // The parent's TMPDIR is hidden by the private /tmp or read-only in there, and rustdoc, the
  // linker and build scripts need a temporary folder: the private /tmp is it.
  wrapped.environment.set("TMPDIR", "/tmp");
  // Their sockets are out of reach; a program that reads these would only fail later.
  wrapped.environment.unset("SSH_AUTH_SOCK");
  wrapped.environment.unset("DBUS_SESSION_BUS_ADDRESS");
  return inner_.run(wrapped, stop);
}

}  // namespace agentry::tools
