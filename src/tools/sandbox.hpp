#pragma once
/// The optional sandbox: cargo runs build scripts and proc macros, i.e. code from the crate.
/// With the sandbox on, every process runs under bubblewrap (Debian package `bubblewrap`) with
/// no network, the workspace and the cargo target directory writable except their settings
/// folders (sandbox_folders.hpp), /tmp private, /run and $XDG_RUNTIME_DIR empty, every other
/// path read-only, a seccomp filter that keeps it from the host's Unix sockets
/// (sandbox_filter.hpp), in its own PID namespace so that nothing it starts survives it.
///
/// It cannot confine what is already readable (the user's files stay readable) and it needs
/// unprivileged user namespaces; probe() says clearly when they are off.
#include <filesystem>
#include <string>
#include <vector>

#include "core/unique_fd.hpp"
#include "tools/process_runner.hpp"
#include "tools/sandbox_folders.hpp"

namespace agentry::tools {

/// What a sandboxed command sees of the file system besides the read-only root.
struct SandboxMounts {
  std::vector<std::filesystem::path> writable;   ///< bound read-write (existing paths)
  std::vector<std::filesystem::path> read_only;  ///< then bound read-only over them
  std::vector<std::filesystem::path> hidden;     ///< an empty tmpfs instead (/run, …)
};

class Sandbox {
 public:
  /// The descriptor the child reads the seccomp filter from (ProcessRequest::pass_fds[0]).
  static constexpr int kFilterFd = 3;

  /// Finds bwrap in `environment`'s PATH, builds the seccomp filter and runs bwrap once to check
  /// that it can create its namespaces and load the filter here; a kTool Error saying what is
  /// missing and what to do otherwise.
  [[nodiscard]] static Result<Sandbox> probe(ProcessRunner& runner, const Environment& environment);

  /// `argv` wrapped in bwrap with `mounts`, the filter read from kFilterFd and `cwd` kept.
  std::vector<std::string> wrap(const std::vector<std::string>& argv,
                                const std::filesystem::path& cwd,
                                const SandboxMounts& mounts) const;

  /// The filter in a fresh descriptor, for one run.
  [[nodiscard]] Result<UniqueFd> filter_fd() const;

  /// /run, /var/run (unless a link to /run) and `environment`'s XDG_RUNTIME_DIR: where the
  /// host's daemons keep their sockets.
  static std::vector<std::filesystem::path> runtime_dirs(const Environment& environment);

 private:
  Sandbox(std::filesystem::path bwrap, std::string filter)
      : bwrap_(std::move(bwrap)), filter_(std::move(filter)) {}
  std::filesystem::path bwrap_;
  std::string filter_;  ///< classic BPF
};

/// A ProcessRunner that runs every request inside the sandbox, through another runner, with
/// TMPDIR set to the sandbox's private /tmp and no SSH_AUTH_SOCK or DBUS_SESSION_BUS_ADDRESS.
class SandboxedRunner final : public ProcessRunner {
 public:
  SandboxedRunner(ProcessRunner& inner, Sandbox sandbox)
      : inner_(inner), sandbox_(std::move(sandbox)) {}
  [[nodiscard]] Result<ProcessResult> run(const ProcessRequest& request,
                                          std::stop_token stop) override;

 private:
  ProcessRunner& inner_;
  Sandbox sandbox_;
  CreatedFolders created_;
};

}  // namespace agentry::tools
