#include "batch/plan.hpp"

#include "batch/task_outcome.hpp"

namespace agentry::batch {

Plan make_plan(const std::vector<BatchTask>& tasks, const store::BatchJournal& journal,
               const PlanOptions& options) {
  Plan plan;
  for (const auto& record : journal.records)
    plan.recorded_spend.add_record(record);
  for (const auto& task : tasks) {
    if (!in_shard(task, options.shard, options.shard_by)) continue;
    plan.shard_tasks.push_back(&task);
    const nlohmann::json* record = journal.latest({task.id, task.hash});
    if (record == nullptr) {
      plan.to_run.push_back(&task);
      continue;
    }
    plan.latest[task.id] = *record;
    if (options.retry_failed && record_status(*record) != TaskStatus::kOk) {
      plan.to_run.push_back(&task);
    } else if (ended_outside_the_task(*record)) {
      plan.to_run.push_back(&task);
      ++plan.rerun_outside_errors;
    } else {
      ++plan.already_done;
    }
  }
  return plan;
}

}  // namespace agentry::batch
