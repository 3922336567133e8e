#include "batch/task_executor.hpp"

#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "batch/check_runner.hpp"
#include "batch/duration.hpp"
#include "batch/run_tracker.hpp"
#include "batch/workspace_copy.hpp"

namespace agentry::batch {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

/// Removes an --isolate copy when it is not to be kept.
class WorkspaceGuard {
 public:
  WorkspaceGuard() = default;
  WorkspaceGuard(const WorkspaceGuard&) = delete;
  WorkspaceGuard& operator=(const WorkspaceGuard&) = delete;
  ~WorkspaceGuard() {
    if (!path_.empty()) {
      std::error_code ec;
      fs::remove_all(path_.parent_path(), ec);
    }
  }
  void remove_on_exit(fs::path path) { path_ = std::move(path); }

 private:
  fs::path path_;
};

void take_snapshot(const RunTracker& tracker, TaskOutcome& out) {
  auto seen = tracker.snapshot();
  out.session_id = seen.session_id;
  out.agent = seen.agent;
  out.num_turns = seen.num_turns;
  out.usage = seen.usage;
  out.cost_usd = seen.cost_usd;
}

}  // namespace

TaskOutcome TaskExecutor::execute(const BatchTask& task, std::stop_token stop) {
  auto started = Clock::now();
  TaskOutcome out;
  auto finish = [&]() -> TaskOutcome {
    out.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    return std::move(out);
  };
  if (stop.stop_requested()) {
    out.interrupted = true;
    return finish();
  }

  fs::path cwd = task.cwd;
  Environment check_env = options_.check_environment;
  WorkspaceGuard guard;
  if (options_.isolate) {
    fs::path copy = workspace_path(options_.workspace_root, task);
    std::error_code ec;
    fs::remove_all(copy.parent_path(), ec);  // left by a killed run of the same task
    if (!options_.keep_workspaces) guard.remove_on_exit(copy);
    if (auto copied = copy_workspace(task.cwd, copy); !copied) {
      out.status = TaskStatus::kError;
      out.error = copied.error();
      return finish();
    }
    cwd = copy;
    if (options_.keep_workspaces) out.workspace = copy.string();
    // Copies of one crate share its build directory, so dependencies build once.
    if (!check_env.get("CARGO_TARGET_DIR"))
      check_env.set("CARGO_TARGET_DIR", (task.cwd / "target").string());
  }

  std::stop_source task_stop;
  std::stop_callback forward(stop, [&task_stop] { task_stop.request_stop(); });
  std::optional<DeadlineWatch::Timer> timer;
  if (task.timeout) {
    timer.emplace(deadlines_.arm(Clock::now() + *task.timeout,
                                 [source = task_stop]() mutable { source.request_stop(); }));
  }

  RunTracker tracker;
  engine::TaskRequest request;
  request.agent = task.agent;
  request.task = task.prompt;
  request.cwd = cwd;
  request.model = task.model;
  request.max_steps = task.max_steps;
  request.effort = task.effort;
  request.permission_mode = options_.permission_mode;
  auto result = runner_.run(request, tracker, task_stop.get_token());
  bool timed_out = timer && timer->fired();
  timer.reset();
  take_snapshot(tracker, out);

  if (!result) {
    if (timed_out) {
      out.status = TaskStatus::kTimeout;
      out.error = Error(ErrorCode::kTimeout,
                        fmt::format("the task did not finish within its timeout ({})",
                                    format_duration(*task.timeout)),
                        task.id, "raise the task's `timeout`, or split the task");
    } else if (stop.stop_requested()) {
      out.interrupted = true;
    } else {
      out.status = TaskStatus::kError;
      out.error = result.error();
      out.rate_limited = result.error().code == ErrorCode::kRateLimited;
    }
    return finish();
  }

  out.run = std::move(*result);
  if (out.run->reason == engine::StopReason::kCancelled) {
    if (timed_out) {
      out.status = TaskStatus::kTimeout;
    } else if (stop.stop_requested()) {
      out.interrupted = true;
    } else {
      out.status = TaskStatus::kError;
    }
    return finish();
  }
  if (out.run->reason == engine::StopReason::kError) {
    out.status = TaskStatus::kError;
    return finish();
  }
  if (task.check.empty()) {
    out.status =
        out.run->reason == engine::StopReason::kCompleted ? TaskStatus::kOk : TaskStatus::kFailed;
    return finish();
  }
  auto check = run_check(task.check, cwd, check_env, task.timeout.value_or(options_.check_timeout),
                         checks_, stop);
  if (!check) {
    out.interrupted = true;
    return finish();
  }
  out.status = check->passed ? TaskStatus::kOk : TaskStatus::kFailed;
  for (auto& command : check->commands)
    command.output_tail = options_.redactor->redact(std::move(command.output_tail));
  out.check = std::move(*check);
  return finish();
}

}  // namespace agentry::batch
