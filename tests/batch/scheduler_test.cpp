#include "batch/scheduler.hpp"

#include <algorithm>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <set>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "support/temp_dir.hpp"

namespace agentry::batch {

namespace fs = std::filesystem;
using agentry::testing::TempDir;
using namespace std::chrono_literals;

namespace {

class RecordingProgress : public ProgressSink {
 public:
  void on_start(const BatchTask&) override {}
  void on_finish(const BatchTask&, const nlohmann::json&) override {}
  void on_notice(std::string_view text) override {
    std::lock_guard lock(mutex_);
    notices.emplace_back(text);
  }
  std::mutex mutex_;
  std::vector<std::string> notices;
};

/// A TaskWork that counts overlapping tasks, and can hold each task until `gather` tasks run
/// together (a latch), so tests can show that tasks do run at once without timing anything.
class CountingWork : public TaskWork {
 public:
  std::function<TaskOutcome(const BatchTask&, int attempt)> answer = [](const BatchTask&, int) {
    std::this_thread::sleep_for(1ms);  // room for overlap, so a scheduling bug would show
    TaskOutcome o;
    o.status = TaskStatus::kOk;
    o.usage = {80, 20, 0, 0};
    return o;
  };
  int gather = 0;  ///< hold tasks until this many run at once (0: no holding)
  /// Which tasks write; a task starting beside an overlapping one when either writes is a clash.
  std::function<bool(const BatchTask&)> writes = [](const BatchTask&) { return true; };

  TaskOutcome execute(const BatchTask& task, std::stop_token) override {
    int attempt = 0;
    {
      std::unique_lock lock(mutex_);
      attempt = ++attempts_[task.id];
      ++in_flight_;
      peak_ = std::max(peak_, in_flight_);
      for (const BatchTask* other : running_) {
        auto [a, b] =
            std::mismatch(task.cwd.begin(), task.cwd.end(), other->cwd.begin(), other->cwd.end());
        bool overlap = a == task.cwd.end() || b == other->cwd.end();
        if (overlap && (writes(task) || writes(*other))) ++clashes_;
      }
      running_.push_back(&task);
      int& here = per_dir_[task.cwd.string()];
      ++here;
      per_dir_peak_[task.cwd.string()] = std::max(per_dir_peak_[task.cwd.string()], here);
      if (gather > 0) {
        if (in_flight_ >= gather) gathered_ = true;
        changed_.notify_all();
        bool ok = changed_.wait_for(lock, 20s, [&] { return gathered_; });
        if (!ok) never_gathered_ = true;
      }
    }
    TaskOutcome outcome = answer(task, attempt);
    std::lock_guard lock(mutex_);
    --in_flight_;
    --per_dir_[task.cwd.string()];
    running_.erase(std::find(running_.begin(), running_.end(), &task));
    return outcome;
  }

  int peak() {
    std::lock_guard lock(mutex_);
    return peak_;
  }
  int per_dir_peak(const fs::path& dir) {
    std::lock_guard lock(mutex_);
    return per_dir_peak_[dir.string()];
  }
  int attempts(const std::string& id) {
    std::lock_guard lock(mutex_);
    return attempts_[id];
  }
  int clashes() {
    std::lock_guard lock(mutex_);
    return clashes_;
  }
  bool never_gathered() {
    std::lock_guard lock(mutex_);
    return never_gathered_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int in_flight_ = 0;
  int peak_ = 0;
  bool gathered_ = false;
  bool never_gathered_ = false;
  int clashes_ = 0;
  std::vector<const BatchTask*> running_;
  std::map<std::string, int> attempts_;
  std::map<std::string, int> per_dir_;
  std::map<std::string, int> per_dir_peak_;
};

struct Fixture {
  TempDir dir;
  std::vector<BatchTask> tasks;
  RecordingProgress progress;

  /// `n` tasks; task i works in dirs[i % dirs.size()].
  void make(int n, std::vector<fs::path> dirs) {
    tasks.clear();
    for (int i = 0; i < n; ++i) {
      BatchTask t;
      t.id = fmt::format("t{}", i);
      t.prompt = std::string("prompt");
      t.cwd = dirs[static_cast<std::size_t>(i) % dirs.size()];
      t.index = static_cast<std::size_t>(i);
      t.hash = fmt::format("h{}", i);
      tasks.push_back(t);
    }
  }
  std::vector<const BatchTask*> pointers() const {
    std::vector<const BatchTask*> out;
    for (const auto& t : tasks)
      out.push_back(&t);
    return out;
  }
  SchedulerReport run(TaskWork& work, SchedulerOptions options, std::stop_token stop = {}) {
    auto journal = store::BatchJournalWriter::open(dir.path() / "results.jsonl");
    REQUIRE(journal);
    Scheduler scheduler(work, *journal, progress, std::move(options));
    return scheduler.run(pointers(), stop);
  }
  std::size_t journal_lines() {
    auto j = store::read_batch_journal(dir.path() / "results.jsonl");
    REQUIRE(j);
    return j->records.size();
  }
};

std::vector<fs::path> distinct_dirs(int n) {
  std::vector<fs::path> dirs;
  for (int i = 0; i < n; ++i)
    dirs.push_back("/work/d" + std::to_string(i));
  return dirs;
}

}  // namespace

TEST_CASE("-j N runs N tasks at once and never more") {
  Fixture f;
  f.make(20, distinct_dirs(20));
  CountingWork work;
  work.gather = 4;
  SchedulerOptions options;
  options.jobs = 4;
  auto report = f.run(work, options);
  CHECK(!work.never_gathered());
  CHECK(work.peak() == 4);
  CHECK(report.peak_running == 4);
  CHECK(report.records.size() == 20);
  CHECK(report.not_started.empty());
  CHECK(f.journal_lines() == 20);
}

TEST_CASE("writers never share a directory, readers do, --isolate lifts the exclusion") {
  Fixture f;
  fs::path shared = "/work/crate";
  SUBCASE("writers, one directory") {
    f.make(6, {shared});
    CountingWork work;
    SchedulerOptions options;
    options.jobs = 4;
    auto report = f.run(work, options);
    CHECK(work.per_dir_peak(shared) == 1);
    CHECK(work.clashes() == 0);
    CHECK(report.records.size() == 6);
  }
  SUBCASE("a writer in a directory excludes a reader below it") {
    f.make(6, {shared, shared / "sub"});
    CountingWork work;
    work.writes = [](const BatchTask& t) { return t.index % 2 == 0; };
    SchedulerOptions options;
    options.jobs = 4;
    options.can_write = work.writes;
    auto report = f.run(work, options);
    CHECK(work.clashes() == 0);
    CHECK(report.records.size() == 6);
  }
  SUBCASE("readers, one directory, run together") {
    f.make(4, {shared});
    CountingWork work;
    work.gather = 4;
    SchedulerOptions options;
    options.jobs = 4;
    options.can_write = [](const BatchTask&) { return false; };
    f.run(work, options);
    CHECK(!work.never_gathered());
    CHECK(work.per_dir_peak(shared) == 4);
  }
  SUBCASE("writers with --isolate run together") {
    f.make(4, {shared});
    CountingWork work;
    work.gather = 4;
    SchedulerOptions options;
    options.jobs = 4;
    options.isolate = true;
    f.run(work, options);
    CHECK(!work.never_gathered());
    CHECK(work.per_dir_peak(shared) == 4);
  }
}

TEST_CASE("a rate limit halves the concurrency for every worker and the task runs again") {
  Fixture f;
  f.make(4, distinct_dirs(4));
  CountingWork work;
  work.gather = 4;
  std::mutex mutex;
  int second_in_flight = 0;
  int second_peak = 0;
  work.answer = [&](const BatchTask&, int attempt) {
    TaskOutcome o;
    if (attempt == 1) {
      o.status = TaskStatus::kError;
      o.rate_limited = true;
      o.error = Error(ErrorCode::kRateLimited, "429 Too Many Requests");
      return o;
    }
    {
      std::lock_guard lock(mutex);
      second_peak = std::max(second_peak, ++second_in_flight);
    }
    std::this_thread::sleep_for(2ms);
    {
      std::lock_guard lock(mutex);
      --second_in_flight;
    }
    o.status = TaskStatus::kOk;
    return o;
  };
  SchedulerOptions options;
  options.jobs = 4;
  options.rate_limit_pause = 0ms;
  auto report = f.run(work, options);
  // All four hit the limit in the same epoch: one halving, 4 → 2.
  CHECK(report.rate_limit_halvings == 1);
  CHECK(second_peak <= 2);
  CHECK(report.records.size() == 4);
  for (const auto& r : report.records)
    CHECK(r["status"] == "ok");
  for (const auto& t : f.tasks)
    CHECK(work.attempts(t.id) == 2);
  REQUIRE(!f.progress.notices.empty());
  CHECK(f.progress.notices[0].find("running at most 2 tasks (was 4)") != std::string::npos);
}

TEST_CASE("a task that stays rate limited is recorded as an error after its retries") {
  Fixture f;
  f.make(1, distinct_dirs(1));
  CountingWork work;
  work.answer = [](const BatchTask&, int) {
    TaskOutcome o;
    o.status = TaskStatus::kError;
    o.rate_limited = true;
    o.error = Error(ErrorCode::kRateLimited, "429");
    return o;
  };
  SchedulerOptions options;
  options.jobs = 2;
  options.rate_limit_pause = 0ms;
  options.rate_limit_retries = 2;
  auto report = f.run(work, options);
  CHECK(work.attempts("t0") == 3);
  REQUIRE(report.records.size() == 1);
  CHECK(report.records[0]["status"] == "error");
  CHECK(report.records[0]["error"]["code"] == "rate_limited");
}

TEST_CASE("the budget stops new tasks, running ones finish and are recorded") {
  Fixture f;
  f.make(10, distinct_dirs(10));
  CountingWork work;  // 100 tokens per task
  SchedulerOptions options;
  options.jobs = 1;
  options.budget = *parse_budget("250");
  auto report = f.run(work, options);
  CHECK(report.budget_reached);
  CHECK(report.records.size() == 3);
  CHECK(report.not_started.size() == 7);
  CHECK(report.spent.tokens == 300);
  CHECK(f.journal_lines() == 3);

  SUBCASE("spend recorded by an earlier run counts") {
    Fixture g;
    g.make(5, distinct_dirs(5));
    CountingWork w;
    SchedulerOptions o;
    o.jobs = 2;
    o.budget = *parse_budget("250");
    o.spent.tokens = 300;
    auto r = g.run(w, o);
    CHECK(r.budget_reached);
    CHECK(r.records.empty());
    CHECK(r.not_started.size() == 5);
  }
}

TEST_CASE("a stop ends the batch: tasks it cut short are not recorded") {
  Fixture f;
  f.make(8, distinct_dirs(8));
  std::stop_source stop;
  CountingWork work;
  work.answer = [&](const BatchTask& t, int) {
    TaskOutcome o;
    if (t.index == 2) {
      stop.request_stop();
      o.interrupted = true;
      return o;
    }
    o.status = TaskStatus::kOk;
    return o;
  };
  SchedulerOptions options;
  options.jobs = 1;
  auto report = f.run(work, options, stop.get_token());
  CHECK(report.interrupted);
  CHECK(report.records.size() == 2);
  CHECK(report.not_started.size() == 6);
  CHECK(report.not_started[0]->id == "t2");
  CHECK(f.journal_lines() == 2);
}

namespace {

/// Fails every fsync once the file holds more than one line.
class FailingSyncer final : public store::FileSyncer {
 public:
  Result<void> sync_file(int, const fs::path& path) override {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (std::count(text.begin(), text.end(), '\n') <= 1) return {};
    return fail(ErrorCode::kIo, "disk gone", path.string());
  }
  Result<void> sync_directory(const fs::path&) override { return {}; }
};

}  // namespace

TEST_CASE("a result that cannot be made durable stops the batch and is not counted as recorded") {
  Fixture f;
  f.make(6, distinct_dirs(6));
  CountingWork work;
  SchedulerOptions options;
  options.jobs = 1;
  auto journal = store::BatchJournalWriter::open(f.dir.path() / "results.jsonl",
                                                 std::make_unique<FailingSyncer>());
  REQUIRE(journal);
  Scheduler scheduler(work, *journal, f.progress, options);
  auto report = scheduler.run(f.pointers(), {});
  REQUIRE(report.journal_error);
  CHECK(report.journal_error->message == "disk gone");
  // At most t0 was made durable (alone, or it shared the failed sync with t1); every other task
  // is reported as not run, so that it runs again on resume, and none is both.
  CHECK(report.records.size() <= 1);
  std::multiset<std::string> ids;
  for (const auto& r : report.records) {
    CHECK(r["id"] == "t0");
    ids.insert(r["id"].get<std::string>());
  }
  for (const auto* t : report.not_started)
    ids.insert(t->id);
  CHECK(ids == std::multiset<std::string>{"t0", "t1", "t2", "t3", "t4", "t5"});
}

TEST_CASE("every finished task is recorded once, before run returns, whatever the batching") {
  Fixture f;
  f.make(200, distinct_dirs(200));
  CountingWork work;
  work.answer = [](const BatchTask&, int) {
    TaskOutcome o;
    o.status = TaskStatus::kOk;
    return o;
  };
  SchedulerOptions options;
  options.jobs = 16;
  auto report = f.run(work, options);
  CHECK(report.records.size() == 200);
  std::set<std::string> ids;
  for (const auto& r : report.records)
    ids.insert(r["id"].get<std::string>());
  CHECK(ids.size() == 200);
  CHECK(f.journal_lines() == 200);
}

}  // namespace agentry::batch
