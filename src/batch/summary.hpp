#pragma once
/// The table printed when a batch ends: one row per task of this run's shard (its latest result,
/// whether from this run or a resumed one; only the tasks that are not ok when there are many),
/// then totals by status, spend and where the results are.
#include <chrono>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "batch/budget.hpp"
#include "batch/task.hpp"

namespace agentry::batch {

struct SummaryInput {
  std::vector<const BatchTask*> tasks;           ///< the shard's tasks, in file order
  std::map<std::string, nlohmann::json> latest;  ///< id → latest result line (current hash)
  std::size_t ran = 0;                           ///< tasks finished by this run
  std::size_t not_started_budget = 0;
  std::size_t not_finished = 0;  ///< stopped by an interrupt
  Spend spent;                   ///< this run
  std::chrono::milliseconds elapsed{0};
  std::string results_path;
};

struct SummaryCounts {
  std::size_t ok = 0, failed = 0, timeout = 0, error = 0, missing = 0;
  bool all_ok() const { return failed == 0 && timeout == 0 && error == 0 && missing == 0; }
};

/// Counts by latest status; `missing` is tasks with no result at all.
SummaryCounts count_statuses(const SummaryInput& input);

/// Writes the table. Lists every task when there are at most `max_rows`, else only the tasks
/// that are not ok (at most `max_rows` of them).
void print_summary(std::ostream& out, const SummaryInput& input, std::size_t max_rows = 40);

}  // namespace agentry::batch
