#pragma once
/// Which tasks of a task file this run starts: the shard's tasks, minus those the results file
/// already holds for the same (id, task hash). A held failure (failed, timeout, error) counts as
/// done unless --retry-failed; an edited task (new hash) runs again whatever it held, and so
/// does an error outside the task (ended_outside_the_task: provider, network, key, config),
/// which says nothing about the task.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "batch/budget.hpp"
#include "batch/shard.hpp"
#include "batch/task.hpp"
#include "store/batch_journal.hpp"

namespace agentry::batch {

struct PlanOptions {
  Shard shard;
  ShardBy shard_by = ShardBy::kIndex;
  bool retry_failed = false;
};

struct Plan {
  std::vector<const BatchTask*> shard_tasks;  ///< every task of this shard, in file order
  std::vector<const BatchTask*> to_run;       ///< in file order
  std::size_t already_done = 0;               ///< shard tasks skipped because they are recorded
  std::size_t rerun_outside_errors = 0;       ///< to_run for an error outside the task
  /// For each shard task the results file holds a line for: its latest line.
  std::map<std::string, nlohmann::json> latest;
  Spend recorded_spend;  ///< everything the results file records, for --budget
};

Plan make_plan(const std::vector<BatchTask>& tasks, const store::BatchJournal& journal,
               const PlanOptions& options);

}  // namespace agentry::batch
