#pragma once
/// Runs one batch task for real: its workspace (the task's directory, or with --isolate a fresh
/// copy), the run through the engine::TaskRunner under the task's timeout and the batch's stop
/// token, the check, and the TaskOutcome that becomes its result line.
#include <chrono>
#include <filesystem>
#include <memory>

#include "batch/deadline_watch.hpp"
#include "batch/scheduler.hpp"
#include "core/environment.hpp"
#include "core/secret_redactor.hpp"
#include "engine/task_runner.hpp"
#include "tools/process_runner.hpp"

namespace agentry::batch {

struct ExecutorOptions {
  engine::PermissionMode permission_mode = engine::PermissionMode::kAcceptEdits;
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
  TaskExecutor(engine::TaskRunner& runner, tools::ProcessRunner& check_runner,
               DeadlineWatch& deadlines, ExecutorOptions options)
      : runner_(runner),
        checks_(check_runner),
        deadlines_(deadlines),
        options_(std::move(options)) {}

  TaskOutcome execute(const BatchTask& task, std::stop_token stop) override;

 private:
  engine::TaskRunner& runner_;
  tools::ProcessRunner& checks_;
  DeadlineWatch& deadlines_;
  ExecutorOptions options_;
};

}  // namespace agentry::batch
