#include "batch/deadline_watch.hpp"

#include <vector>

namespace agentry::batch {

DeadlineWatch::DeadlineWatch() : thread_([this](std::stop_token stop) { run(stop); }) {}

DeadlineWatch::~DeadlineWatch() {
  thread_.request_stop();
  changed_.notify_all();
}

DeadlineWatch::Timer::~Timer() {
  if (owner_) owner_->disarm(id_);
}

bool DeadlineWatch::Timer::fired() const {
  return owner_ && owner_->fired(id_);
}

DeadlineWatch::Timer DeadlineWatch::arm(Clock::time_point deadline,
                                        std::function<void()> on_expiry) {
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    entries_.emplace(id, Entry{deadline, std::move(on_expiry), false});
    ++generation_;
  }
  changed_.notify_all();
  return Timer(*this, id);
}

void DeadlineWatch::disarm(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  entries_.erase(id);
}

bool DeadlineWatch::fired(std::uint64_t id) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(id);
  return it != entries_.end() && it->second.fired;
}

void DeadlineWatch::run(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    auto now = Clock::now();
    auto next = Clock::time_point::max();
    std::vector<std::function<void()>> due;
    for (auto& [id, entry] : entries_) {
      if (entry.fired) continue;
      if (entry.deadline <= now) {
        entry.fired = true;
        due.push_back(entry.on_expiry);
      } else if (entry.deadline < next) {
        next = entry.deadline;
      }
    }
    if (!due.empty()) {
      // Callbacks request stop on a task's source, which may run stop callbacks that take other
      // locks; never hold ours meanwhile.
      lock.unlock();
      for (auto& fn : due)
        fn();
      lock.lock();
      continue;
    }
    std::uint64_t seen = generation_;
    auto changed = [&] { return generation_ != seen; };
    if (next == Clock::time_point::max()) {
      changed_.wait(lock, stop, changed);
    } else {
      changed_.wait_until(lock, stop, next, changed);
    }
  }
}

}  // namespace agentry::batch
