#pragma once
/// What became of one task, and its result line: the public, stable record `agentry batch`
/// journals (one JSON object per line). Fields, always present unless noted:
///   id, task_hash, status (ok | failed | timeout | error), agent, result (the final answer),
///   check ({passed, commands:[{command, exit_code, timed_out, output_tail, duration_ms}]} or
///   null when the task has none or it did not run), usage, cost_usd (null when unpriced),
///   duration_ms (the whole task: workspace, run and check), session_id (null when none
///   started), num_turns, stop_reason, cwd (as written), finished_at (UTC, ms), shard ("I/N",
///   when sharded), workspace (when --keep-workspaces kept one), error (engine::error_to_json, when
///   any).
/// Status: with a check, ok when the run ended and every check command exited 0, failed
/// otherwise; without one, ok when the agent completed, failed when it stopped at its step
/// limit or in a loop. timeout: the task's timeout ended the run. error: the run could not go
/// on (provider, auth, rate limit, config).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "batch/check_runner.hpp"
#include "batch/task.hpp"
#include "core/error.hpp"
#include "core/message.hpp"
#include "engine/engine.hpp"

namespace agentry::batch {

enum class TaskStatus { kOk, kFailed, kTimeout, kError };
const char* to_string(TaskStatus status);
std::optional<TaskStatus> parse_status(std::string_view text);

struct TaskOutcome {
  TaskStatus status = TaskStatus::kError;
  std::optional<engine::RunResult> run;  ///< when the run returned
  std::optional<Error> error;            ///< when it did not, or the workspace failed
  std::optional<CheckOutcome> check;
  /// What the events showed, for runs that ended without a RunResult (timeout, error).
  std::string session_id;
  std::string agent;
  Usage usage;
  std::optional<double> cost_usd;
  int num_turns = 0;

  std::chrono::milliseconds duration{0};
  std::string workspace;      ///< a kept --isolate copy
  bool interrupted = false;   ///< the batch was stopped: not a result, the task runs again
  bool rate_limited = false;  ///< ended by ErrorCode::kRateLimited
};

/// The result line for `task`. `shard` is empty when the batch is not sharded.
nlohmann::json make_record(const BatchTask& task, const TaskOutcome& outcome,
                           std::string_view finished_at, std::string_view shard);

/// "2026-11-25T12:34:56.789Z".
std::string utc_timestamp(std::chrono::system_clock::time_point when);

/// The status a record holds (kError when it holds none that is known).
TaskStatus record_status(const nlohmann::json& record);

/// Whether a record is an error that came from outside the task: the provider unreachable or
/// failing (network, a retryable HTTP status), the key refused (auth), rate limits, the
/// configuration. Such a task is run again on resume without --retry-failed.
bool ended_outside_the_task(const nlohmann::json& record);

}  // namespace agentry::batch
