#pragma once
/// The batch scheduler: -j workers take tasks in file order and run them through a TaskWork. A
/// worker hands each result to the recorder and takes its next task at once; the recorder writes
/// what has finished to the journal, makes it durable (one fsync for all that finished meanwhile),
/// and only then counts it as recorded and tells the ProgressSink. A kill before that fsync loses
/// nothing: the task is not in the results file, so it runs again on resume. It keeps:
///  - per-directory exclusion: a task whose agent can write never runs beside another task in
///    the same directory (or one inside the other); read-only tasks share freely. --isolate
///    lifts it (each task has its own copy);
///  - the shared rate-limit gate (rate_gate.hpp): a task ended by a rate limit halves the
///    concurrency for everyone and goes back to the front of the queue (up to
///    `rate_limit_retries` times, then it is recorded as an error);
///  - the budget: once the spend reaches it, no new task starts;
///  - the stop token: once stop is requested nothing new starts, and running tasks that the stop
///    cut short are not recorded (they run again on resume).
#include <chrono>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "batch/budget.hpp"
#include "batch/progress_sink.hpp"
#include "batch/task.hpp"
#include "batch/task_outcome.hpp"
#include "store/batch_journal.hpp"

namespace agentry::batch {

/// Runs one task; the real one is TaskExecutor, tests use fakes.
class TaskWork {
 public:
  virtual ~TaskWork() = default;
  virtual TaskOutcome execute(const BatchTask& task, std::stop_token stop) = 0;
};

struct SchedulerOptions {
  int jobs = 4;
  bool isolate = false;
  Budget budget;
  Spend spent;  ///< already spent (recorded by earlier runs) when this one starts
  std::chrono::milliseconds rate_limit_pause = std::chrono::seconds(5);
  int rate_limit_retries = 3;
  std::string shard;  ///< "I/N" written into records; empty when not sharded
  /// Whether a task's agent can write (decides the per-directory exclusion).
  std::function<bool(const BatchTask&)> can_write = [](const BatchTask&) { return true; };
};

struct SchedulerReport {
  std::vector<nlohmann::json> records;        ///< this run's result lines, as made durable
  std::vector<const BatchTask*> not_started;  ///< left when the budget or a stop ended the run
  bool budget_reached = false;
  bool interrupted = false;
  std::optional<Error> journal_error;  ///< a result could not be made durable; the run stopped
  int peak_running = 0;
  int rate_limit_halvings = 0;
  Spend spent;  ///< including SchedulerOptions::spent
};

class Scheduler {
 public:
  Scheduler(TaskWork& work, store::BatchJournalWriter& journal, ProgressSink& progress,
            SchedulerOptions options);
  /// Runs `tasks` (in order of preference) and returns when every worker is done.
  SchedulerReport run(const std::vector<const BatchTask*>& tasks, std::stop_token stop);

 private:
  struct State;
  void worker(State& state, std::stop_token stop);
  void recorder(State& state);

  TaskWork& work_;
  store::BatchJournalWriter& journal_;
  ProgressSink& progress_;
  SchedulerOptions options_;
};

}  // namespace agentry::batch
