#pragma once
/// The engine's HookCommandRunner over the process runner: a hook is the user's own command
/// (like a batch check), so `/bin/sh -c COMMAND` runs it, outside the sandbox, in the workspace,
/// in its own process group (the whole group ends at its timeout or on Ctrl-C), with the event
/// on stdin, stdout and stderr capped, and the tools' scrubbed environment (no API key) plus
/// CLAUDE_PROJECT_DIR and AGENTRY_PROJECT_DIR (the workspace). What it prints passes the
/// redactor before the model or the log sees it.
#include <memory>

#include "core/environment.hpp"
#include "core/secret_redactor.hpp"
#include "engine/ports.hpp"
#include "tools/process_runner.hpp"

namespace agentry::app {

class ShellHookRunner final : public engine::HookCommandRunner {
 public:
  /// `runner` must outlive this; `env` is the process's (scrubbed here).
  ShellHookRunner(tools::ProcessRunner& runner, const Environment& env,
                  std::shared_ptr<const SecretRedactor> redactor);

  Result<engine::HookProcessResult> run(const engine::HookCommand& hook, const std::string& input,
                                        const std::filesystem::path& cwd,
                                        std::stop_token stop) override;

 private:
  tools::ProcessRunner& runner_;
  Environment env_;
  std::shared_ptr<const SecretRedactor> redactor_;
};

}  // namespace agentry::app
