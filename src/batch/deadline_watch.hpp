#pragma once
/// Task timeouts for the whole batch with one thread: each running task arms a deadline that
/// requests stop on its own stop source when it passes (the engine then winds the run down,
/// killing its tool processes), and disarms it when the task ends first.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace agentry::batch {

class DeadlineWatch {
 public:
  using Clock = std::chrono::steady_clock;

  DeadlineWatch();
  ~DeadlineWatch();
  DeadlineWatch(const DeadlineWatch&) = delete;
  DeadlineWatch& operator=(const DeadlineWatch&) = delete;

  /// An armed deadline; disarmed when it dies. `fired()` says whether it went off.
  class Timer {
   public:
    Timer(DeadlineWatch& owner, std::uint64_t id) : owner_(&owner), id_(id) {}
    Timer(Timer&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)), id_(other.id_) {}
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;
    Timer& operator=(Timer&&) = delete;
    ~Timer();
    bool fired() const;

   private:
    DeadlineWatch* owner_;
    std::uint64_t id_;
  };

  /// Calls `on_expiry` (from the watch's thread, so it must be quick) at `deadline` unless the
  /// returned Timer dies first.
  Timer arm(Clock::time_point deadline, std::function<void()> on_expiry);

 private:
  struct Entry {
    Clock::time_point deadline;
    std::function<void()> on_expiry;
    bool fired = false;
  };
  void run(std::stop_token stop);
  void disarm(std::uint64_t id);
  bool fired(std::uint64_t id) const;

  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  std::map<std::uint64_t, Entry> entries_;
  std::uint64_t next_id_ = 1;
  std::uint64_t generation_ = 0;  ///< bumped by arm() to wake the thread
  std::jthread thread_;
};

}  // namespace agentry::batch
