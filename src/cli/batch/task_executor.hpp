#pragma once
/// Runs one batch task for real: its workspace (the task's directory, or with --isolate a fresh
/// copy), the run through the TaskRunner under the task's timeout and the batch's stop token, the
/// check, and the TaskOutcome that becomes its result line.
#include <chrono>
#include <filesystem>
#include <memory>

#include "cli/batch/deadline_watch.hpp"
#include "cli/batch/scheduler.hpp"
#include "cli/task_runner.hpp"
#include "core/environment.hpp"
#include "core/secret_redactor.hpp"
#include "tools/process_runner.hpp"

namespace agentry::cli::batch {

struct ExecutorOptions {
  PermissionMode permission_mode = PermissionMode::kAcceptEdits;
  bool isolate = false;
  bool keep_workspaces = false;
  std::filesystem::path workspace_root;  ///< where --isolate copies go
  /// What check commands see: already scrubbed (tools::child_environment).
  Environment check_environment;
  /// Bound on each check command when the task has no timeout of its own.
  std::chrono::milliseconds check_timeout = std::chrono::minutes(10);
  /// Cuts known secrets out of check output.
  std::shared_ptr<const SecretRedactor> redactor = std::make_shared<const SecretRedactor>();
};

class TaskExecutor final : public TaskWork {
 public:
  TaskExecutor(TaskRunner& runner, tools::ProcessRunner& check_runner, DeadlineWatch& deadlines,
               ExecutorOptions options)
      : runner_(runner),
        checks_(check_runner),
        deadlines_(deadlines),
        options_(std::move(options)) {}

  TaskOutcome execute(const BatchTask& task, std::stop_token stop) override;

 private:
  TaskRunner& runner_;
  tools::ProcessRunner& checks_;
  DeadlineWatch& deadlines_;
  ExecutorOptions options_;
};

}  // namespace agentry::cli::batch
