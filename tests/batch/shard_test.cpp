#include "batch/shard.hpp"

#include <set>

#include <doctest/doctest.h>

namespace agentry::batch {

namespace {

std::vector<BatchTask> make_tasks(int n) {
  std::vector<BatchTask> tasks(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    tasks[static_cast<std::size_t>(i)].id = "task-" + std::to_string(i);
    tasks[static_cast<std::size_t>(i)].index = static_cast<std::size_t>(i);
  }
  return tasks;
}

}  // namespace

TEST_CASE("--shard I/N") {
  CHECK(parse_shard("0/4") == Shard{0, 4});
  CHECK(parse_shard("3/4") == Shard{3, 4});
  CHECK(parse_shard("0/1")->whole());
  CHECK(!parse_shard("4/4"));
  CHECK(!parse_shard("-1/4"));
  CHECK(!parse_shard("1/0"));
  CHECK(!parse_shard("1"));
  CHECK(!parse_shard("a/b"));
  CHECK(parse_shard("1/x").error().where == "--shard");
  CHECK(Shard{2, 5}.to_string() == "2/5");
}

TEST_CASE("shards from Slurm's and Kubernetes' environment") {
  Environment env;
  auto missing = shard_from_environment("slurm", env, std::nullopt);
  REQUIRE(!missing);
  CHECK(missing.error().message == "SLURM_ARRAY_TASK_ID is not set");

  env.set("SLURM_ARRAY_TASK_ID", "2");
  env.set("SLURM_ARRAY_TASK_COUNT", "3");
  CHECK(shard_from_environment("slurm", env, std::nullopt) == Shard{2, 3});
  // --array=1-3: ids 1..3 map onto shards 0..2.
  env.set("SLURM_ARRAY_TASK_MIN", "1");
  CHECK(shard_from_environment("slurm", env, std::nullopt) == Shard{1, 3});
  // --array=0-8:4 → ids 0, 4, 8.
  env.set("SLURM_ARRAY_TASK_MIN", "0");
  env.set("SLURM_ARRAY_TASK_STEP", "4");
  env.set("SLURM_ARRAY_TASK_ID", "8");
  CHECK(shard_from_environment("slurm", env, std::nullopt) == Shard{2, 3});
  env.set("SLURM_ARRAY_TASK_ID", "x");
  CHECK(shard_from_environment("slurm", env, std::nullopt).error().message ==
        "SLURM_ARRAY_TASK_ID=x is not a whole number");

  Environment k8s;
  k8s.set("JOB_COMPLETION_INDEX", "4");
  auto no_count = shard_from_environment("k8s", k8s, std::nullopt);
  REQUIRE(!no_count);
  CHECK(no_count.error().message == "AGENTRY_SHARD_COUNT is not set");
  CHECK(shard_from_environment("k8s", k8s, 5) == Shard{4, 5});
  k8s.set("AGENTRY_SHARD_COUNT", "10");
  CHECK(shard_from_environment("k8s", k8s, std::nullopt) == Shard{4, 10});
  CHECK(!shard_from_environment("k8s", k8s, 4));  // index 4 of 4
  CHECK(!shard_from_environment("lsf", k8s, 4));
}

TEST_CASE("shards are disjoint, cover every task, and are balanced by index") {
  auto tasks = make_tasks(103);
  for (ShardBy by : {ShardBy::kIndex, ShardBy::kId}) {
    for (int n : {1, 2, 3, 7}) {
      std::multiset<std::string> seen;
      std::vector<int> sizes;
      for (int i = 0; i < n; ++i) {
        int size = 0;
        for (const auto& t : tasks) {
          if (in_shard(t, Shard{i, n}, by)) {
            seen.insert(t.id);
            ++size;
          }
        }
        sizes.push_back(size);
      }
      CHECK(seen.size() == tasks.size());
      CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == tasks.size());
      if (by == ShardBy::kIndex) {
        auto [lo, hi] = std::minmax_element(sizes.begin(), sizes.end());
        CHECK(*hi - *lo <= 1);
      }
    }
  }
  // By id the assignment does not depend on the task's position.
  BatchTask moved = tasks[5];
  moved.index = 99;
  for (int i = 0; i < 7; ++i) {
    CHECK(in_shard(moved, Shard{i, 7}, ShardBy::kId) ==
          in_shard(tasks[5], Shard{i, 7}, ShardBy::kId));
  }
  CHECK(in_shard(tasks[10], Shard{3, 7}, ShardBy::kIndex));
}

}  // namespace agentry::batch
