#include "batch/scheduler.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "batch/rate_gate.hpp"

namespace agentry::batch {

namespace {

namespace fs = std::filesystem;

/// True when one of the two directories is the other or lies inside it.
bool overlaps(const fs::path& a, const fs::path& b) {
  auto ai = a.begin();
  auto bi = b.begin();
  for (; ai != a.end() && bi != b.end(); ++ai, ++bi) {
    if (*ai != *bi) return false;
  }
  return true;
}

}  // namespace

struct Scheduler::State {
  struct Running {
    const BatchTask* task;
    bool writes;
  };
  explicit State(const SchedulerOptions& options) : gate(options.jobs, options.rate_limit_pause) {}

  std::mutex mutex;
  std::condition_variable_any changed;
  std::uint64_t generation = 0;  ///< bumped on every change a waiting worker may care about
  std::deque<const BatchTask*> pending;
  std::vector<Running> running;
  std::map<const BatchTask*, int> rate_limited;
  struct Finished {
    const BatchTask* task;
    nlohmann::json record;
  };
  std::vector<Finished> to_record;  ///< finished, not yet handed to the journal
  bool workers_done = false;
  std::condition_variable_any record_wake;
  RateGate gate;
  bool halt = false;  ///< the budget is reached or the journal broke: start nothing more
  SchedulerReport report;

  void bump() {
    ++generation;
    changed.notify_all();
  }
};

Scheduler::Scheduler(TaskWork& work, store::BatchJournalWriter& journal, ProgressSink& progress,
                     SchedulerOptions options)
    : work_(work), journal_(journal), progress_(progress), options_(std::move(options)) {}

SchedulerReport Scheduler::run(const std::vector<const BatchTask*>& tasks, std::stop_token stop) {
  State state(options_);
  state.pending.assign(tasks.begin(), tasks.end());
  state.report.spent = options_.spent;
  if (options_.budget.limited() && budget_reached(options_.budget, state.report.spent)) {
    state.halt = true;
    state.report.budget_reached = true;
    progress_.on_notice(
        fmt::format("budget {} already reached by the recorded results: no task "
                    "started (raise --budget to go on)",
                    options_.budget.to_string()));
  }
  {
    std::size_t workers =
        std::min<std::size_t>(static_cast<std::size_t>(std::max(1, options_.jobs)), tasks.size());
    std::jthread recording([this, &state] { recorder(state); });
    {
      std::vector<std::jthread> threads;
      threads.reserve(workers);
      for (std::size_t i = 0; i < workers; ++i) {
        threads.emplace_back([this, &state, stop] { worker(state, stop); });
      }
    }
    {
      std::lock_guard lock(state.mutex);
      state.workers_done = true;
    }
    state.record_wake.notify_one();
  }
  for (const auto* task : state.pending)
    state.report.not_started.push_back(task);
  state.report.interrupted = stop.stop_requested();
  return std::move(state.report);
}

void Scheduler::worker(State& s, std::stop_token stop) {
  using Clock = RateGate::Clock;
  std::unique_lock lock(s.mutex);
  for (;;) {
    const BatchTask* task = nullptr;
    bool writes = false;
    while (task == nullptr) {
      if (stop.stop_requested() || s.halt) return;
      if (s.pending.empty() && s.running.empty()) return;
      if (options_.budget.limited() && budget_reached(options_.budget, s.report.spent)) {
        s.halt = true;
        s.report.budget_reached = true;
        progress_.on_notice(
            fmt::format("budget {} reached: no new task starts; the {} running finish",
                        options_.budget.to_string(), s.running.size()));
        s.bump();
        return;
      }
      auto resume_at = s.gate.resume_at();
      if (Clock::now() < resume_at) {
        s.changed.wait_until(lock, stop, resume_at, [] { return false; });
        continue;
      }
      if (static_cast<int>(s.running.size()) < s.gate.limit()) {
        for (auto it = s.pending.begin(); it != s.pending.end(); ++it) {
          bool w = options_.can_write(**it);
          bool clash =
              !options_.isolate &&
              std::any_of(s.running.begin(), s.running.end(), [&](const State::Running& r) {
                return (w || r.writes) && overlaps((*it)->cwd, r.task->cwd);
              });
          if (!clash) {
            task = *it;
            writes = w;
            s.pending.erase(it);
            break;
          }
        }
        if (task != nullptr) break;
      }
      std::uint64_t seen = s.generation;
      s.changed.wait(lock, stop, [&] { return s.generation != seen; });
    }

    s.running.push_back({task, writes});
    s.report.peak_running = std::max(s.report.peak_running, static_cast<int>(s.running.size()));
    std::uint64_t epoch = s.gate.epoch();
    lock.unlock();
    progress_.on_start(*task);
    TaskOutcome outcome = work_.execute(*task, stop);
    lock.lock();
    s.running.erase(std::find_if(s.running.begin(), s.running.end(),
                                 [&](const State::Running& r) { return r.task == task; }));
    s.bump();

    if (outcome.interrupted) {
      s.report.not_started.push_back(task);
      continue;
    }
    if (outcome.rate_limited) {
      int before = s.gate.limit();
      if (s.gate.on_rate_limited(epoch, Clock::now())) {
        ++s.report.rate_limit_halvings;
        progress_.on_notice(fmt::format("rate limited ({}): running at most {} tasks (was {})",
                                        task->id, s.gate.limit(), before));
      }
      int& attempts = s.rate_limited[task];
      if (attempts < options_.rate_limit_retries && !stop.stop_requested()) {
        ++attempts;
        s.pending.push_front(task);
        continue;
      }
    } else {
      s.gate.on_success();
    }

    auto record = make_record(*task, outcome, utc_timestamp(std::chrono::system_clock::now()),
                              options_.shard);
    s.report.spent.add_record(record);  // counted now, so the budget sees it before the fsync
    s.to_record.push_back({task, std::move(record)});
    s.record_wake.notify_one();
  }
}

void Scheduler::recorder(State& s) {
  std::unique_lock lock(s.mutex);
  for (;;) {
    s.record_wake.wait(lock, [&] { return !s.to_record.empty() || s.workers_done; });
    if (s.to_record.empty()) return;
    std::vector<State::Finished> batch = std::move(s.to_record);
    s.to_record.clear();
    lock.unlock();
    std::vector<nlohmann::json> records;
    records.reserve(batch.size());
    for (const auto& f : batch)
      records.push_back(f.record);
    auto appended = journal_.append_all(records);
    if (appended) {
      for (const auto& f : batch)
        progress_.on_finish(*f.task, f.record);
    }
    lock.lock();
    if (!appended) {
      // Not durable: these tasks run again on resume. Start nothing more.
      s.halt = true;
      for (const auto& f : batch)
        s.report.not_started.push_back(f.task);
      if (!s.report.journal_error) s.report.journal_error = appended.error();
      s.bump();
      continue;
    }
    for (auto& f : batch)
      s.report.records.push_back(std::move(f.record));
  }
}

}  // namespace agentry::batch
