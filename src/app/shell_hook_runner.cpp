#include "app/shell_hook_runner.hpp"

namespace agentry::app {

namespace {

constexpr std::size_t kHookOutputCap = 64 * 1024;

}  // namespace

ShellHookRunner::ShellHookRunner(tools::ProcessRunner& runner, const Environment& env,
                                 std::shared_ptr<const SecretRedactor> redactor)
    : runner_(runner), env_(tools::child_environment(env)), redactor_(std::move(redactor)) {}

Result<engine::HookProcessResult> ShellHookRunner::run(const engine::HookCommand& hook,
                                                       const std::string& input,
                                                       const std::filesystem::path& cwd,
                                                       std::stop_token stop) {
  tools::ProcessRequest request;
  request.argv = {"/bin/sh", "-c", hook.command};
  request.cwd = cwd;
  request.environment = env_;
  request.environment.set("CLAUDE_PROJECT_DIR", cwd.string());
  request.environment.set("AGENTRY_PROJECT_DIR", cwd.string());
  request.timeout = hook.timeout;
  request.capture_cap = kHookOutputCap;
  request.input = input;
  auto result = runner_.run(request, std::move(stop));
  if (!result) return tl::make_unexpected(redactor_->redact_error(result.error()));
  return engine::HookProcessResult{result->exit_code, result->timed_out,
                                   redactor_->redact(result->out.text),
                                   redactor_->redact(result->err.text)};
}

}  // namespace agentry::app
