#pragma once
/// One `agentry batch TASKFILE` run, start to end, over injected services (so tests drive it
/// with a fake engine::TaskRunner): validate the task file whole, lock and read the results file,
/// plan (shard, resume, --retry-failed), schedule, and print the summary.
#include <chrono>
#include <filesystem>
#include <memory>
#include <ostream>
#include <set>
#include <stop_token>
#include <string>

#include "batch/budget.hpp"
#include "batch/shard.hpp"
#include "core/environment.hpp"
#include "core/error.hpp"
#include "core/secret_redactor.hpp"
#include "engine/task_runner.hpp"
#include "tools/process_runner.hpp"

namespace agentry::batch {

struct BatchOptions {
  std::filesystem::path task_file;
  std::filesystem::path results;  ///< empty: default_results_path()
  int jobs = 4;                   ///< -j: tasks at once
  int tool_jobs = 0;              ///< --tool-jobs: check processes at once; 0: the core count
  bool isolate = false;
  bool keep_workspaces = false;
  std::filesystem::path workspace_dir;  ///< empty: a new folder under $TMPDIR
  bool retry_failed = false;
  Budget budget;
  Shard shard;
  ShardBy shard_by = ShardBy::kIndex;
  engine::PermissionMode permission_mode = engine::PermissionMode::kAcceptEdits;
  std::chrono::milliseconds rate_limit_pause = std::chrono::seconds(5);
  std::chrono::milliseconds check_timeout = std::chrono::minutes(10);
  bool live_progress = false;  ///< redraw one line (stderr is a terminal)
  /// Known secrets, cut out of check output before it reaches a result line.
  std::shared_ptr<const SecretRedactor> redactor = std::make_shared<const SecretRedactor>();
};

struct BatchServices {
  engine::TaskRunner& runner;
  tools::ProcessRunner& processes;  ///< runs checks (limited to --tool-jobs here)
  const Environment& env;           ///< the process's; checks see it scrubbed
  std::set<std::string> writing_tools;
  std::ostream& out;  ///< the summary
  std::ostream& err;  ///< problems and progress
};

/// Beside the task file: <stem>.results.jsonl, or <stem>.shard-I-of-N.results.jsonl.
std::filesystem::path default_results_path(const std::filesystem::path& task_file,
                                           const Shard& shard);

/// The exit code: 0 every task of the shard ok, 1 some task failed or did not run, 2 the task
/// file has problems (all printed to `err`), 130 stopped by `stop`. An Error when the results
/// file cannot be read, locked or written.
[[nodiscard]] Result<int> run_batch(const BatchOptions& options, BatchServices& services,
                                    std::stop_token stop);

}  // namespace agentry::batch
