#pragma once
/// The optional sandbox: cargo runs build scripts and proc macros, i.e. code from the crate.
/// With the sandbox on, every process runs under bubblewrap (Debian package `bubblewrap`) with
/// no network, the workspace and the cargo target directory writable, /tmp private and every
/// other path read-only, in its own PID namespace so that nothing it starts survives it.
///
/// It cannot confine what is already readable (the user's files stay readable) and it needs
/// unprivileged user namespaces; probe() says clearly when they are off.
#include <filesystem>
#include <string>
#include <vector>

#include "tools/process_runner.hpp"

namespace agentry::tools {

class Sandbox {
 public:
  /// Finds bwrap in `environment`'s PATH and runs it once to check that it can create its
  /// namespaces here; a kTool Error saying what is missing and what to do otherwise.
  [[nodiscard]] static Result<Sandbox> probe(ProcessRunner& runner, const Environment& environment);

  /// `argv` wrapped in bwrap, with `writable` (existing paths) bound read-write and `cwd` kept.
  std::vector<std::string> wrap(const std::vector<std::string>& argv,
                                const std::filesystem::path& cwd,
                                const std::vector<std::filesystem::path>& writable) const;

 private:
  explicit Sandbox(std::filesystem::path bwrap) : bwrap_(std::move(bwrap)) {}
  std::filesystem::path bwrap_;
};

/// A ProcessRunner that runs every request inside the sandbox, through another runner, with
/// TMPDIR set to the sandbox's private /tmp.
class SandboxedRunner final : public ProcessRunner {
 public:
  SandboxedRunner(ProcessRunner& inner, Sandbox sandbox)
      : inner_(inner), sandbox_(std::move(sandbox)) {}
  [[nodiscard]] Result<ProcessResult> run(const ProcessRequest& request,
                                          std::stop_token stop) override;

 private:
  ProcessRunner& inner_;
  Sandbox sandbox_;
};

}  // namespace agentry::tools
