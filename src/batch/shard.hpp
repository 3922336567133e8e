#pragma once
/// Shards: one task file spread over many machines by the engines people already run (a Slurm
/// job array, a Kubernetes Indexed Job). Shard I of N runs a deterministic subset, the same on
/// every machine that reads the same task file; the N subsets are disjoint and cover the file.
///
/// Two ways to pick the subset (--shard-by):
///  - index (default): the task's position in the file mod N. Balanced to within one task; the
///    assignment moves when tasks are inserted or reordered, so every shard must read the same
///    file.
///  - id: FNV-1a 64 of the task id mod N. Stable under insertions and reordering, but only
///    balanced on average (a few tasks can land unevenly).
#include <optional>
#include <string>
#include <string_view>

#include "batch/task.hpp"
#include "core/environment.hpp"
#include "core/error.hpp"

namespace agentry::batch {

struct Shard {
  int index = 0;  ///< 0-based, < count
  int count = 1;
  bool whole() const { return count == 1; }
  std::string to_string() const;  ///< "I/N"
  bool operator==(const Shard&) const = default;
};

enum class ShardBy { kIndex, kId };

/// "I/N" with 0 <= I < N. kUsage otherwise.
[[nodiscard]] Result<Shard> parse_shard(std::string_view text);

/// The shard the job engine assigned to this process:
///  - "slurm": SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (an array may start anywhere and
///    step: SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_STEP are taken into account when set).
///  - "k8s": JOB_COMPLETION_INDEX; the count is `count` (--shard-count), else
///    AGENTRY_SHARD_COUNT (the Job's `completions`; Kubernetes does not export it).
/// kUsage naming the missing or bad variable otherwise.
[[nodiscard]] Result<Shard> shard_from_environment(std::string_view source, const Environment& env,
                                                   std::optional<int> count);

/// True when `task` belongs to `shard`.
bool in_shard(const BatchTask& task, const Shard& shard, ShardBy by);

}  // namespace agentry::batch
