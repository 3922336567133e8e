#include "tools/sandbox.hpp"

#include <system_error>

#include <fmt/format.h>

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
  ProcessRequest req;
  req.argv = base_arguments(*bwrap);
  req.argv.insert(req.argv.end(), {"--", "true"});
  req.cwd = "/";
  req.environment = child_environment(environment);
  req.timeout = std::chrono::seconds(20);
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
        "or kernel.apparmor_restrict_unprivileged_userns=0), or this container forbids them; "
        "turn the sandbox off to run without it");
  }
  return Sandbox(*bwrap);
}

std::vector<std::string> Sandbox::wrap(const std::vector<std::string>& argv, const fs::path& cwd,
                                       const std::vector<fs::path>& writable) const {
  std::vector<std::string> out = base_arguments(bwrap_);
  std::error_code ec;
  for (const auto& path : writable) {
    // A target directory may not exist before the first build; create it so it can be bound.
    fs::create_directories(path, ec);
    if (fs::exists(path, ec)) out.insert(out.end(), {"--bind", path.string(), path.string()});
  }
  out.insert(out.end(), {"--chdir", cwd.string(), "--"});
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

Result<ProcessResult> SandboxedRunner::run(const ProcessRequest& request, std::stop_token stop) {
  ProcessRequest wrapped = request;
  wrapped.argv = sandbox_.wrap(request.argv, request.cwd, request.writable);
  // The parent's TMPDIR is hidden by the private /tmp or read-only in there, and rustdoc, the
  // linker and build scripts need a temporary folder: the private /tmp is it.
  wrapped.environment.set("TMPDIR", "/tmp");
  return inner_.run(wrapped, stop);
}

}  // namespace agentry::tools
