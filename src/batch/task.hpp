#pragma once
/// `agentry batch` runs the tasks of a task file (YAML or JSONL) concurrently over the one
/// engine::TaskRunner every front-end uses, journals one result line per finished task (resumable
/// after any kill), and spreads a file over machines by deterministic shards. This folder holds the
/// pieces: the task-file parser, the plan (resume, retries, shards), the scheduler (workers,
/// per-directory exclusion, the shared rate-limit gate, the budget), the per-task executor
/// (workspace, timeout, check), progress, summary and merge. Only batch_command.cpp touches the
/// command line; the pieces never print except through the streams they are handed.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace agentry::batch {

/// One command of a task's check: an argv, run without a shell.
using CheckCommand = std::vector<std::string>;

/// A task as the batch runs it: defaults applied, paths resolved, values checked.
struct BatchTask {
  std::string id;
  std::string prompt;
  std::string agent;  ///< empty: the dispatcher's default primary agent
  std::string model;  ///< empty: the agent's
  std::optional<int> max_steps;
  std::string effort;  ///< low | medium | high | xhigh | max; "" = the agent's
  std::optional<std::chrono::milliseconds> timeout;
  std::vector<CheckCommand> check;  ///< all must exit 0; empty: no check
  std::filesystem::path cwd;        ///< absolute, lexically normal
  std::string cwd_as_written;       ///< relative to the task file, "." when absent
  std::size_t index = 0;            ///< position in the task file, 0-based
  int line = 0;                     ///< where the task starts in the task file, 1-based

  /// The effective definition, every field after defaults; what task_hash is taken over.
  nlohmann::json definition;
  /// store::task_hash(definition): with the id, what resume keys on.
  std::string hash;
};

}  // namespace agentry::batch
