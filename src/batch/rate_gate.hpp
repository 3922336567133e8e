#pragma once
/// The concurrency gate every batch worker passes before it starts a task, shared so that a
/// rate limit seen by one task slows the whole batch (the provider's limit is per key, not per
/// task). Additive increase, multiplicative decrease, as TCP does with congestion:
///  - a task that ends with ErrorCode::kRateLimited (429/529 after the provider's own retries)
///    halves the limit and pauses new starts for a while (the pause doubles while rate limits
///    keep coming, up to a minute);
///  - tasks that were already running when the limit dropped report the same overload, so only
///    the first report per epoch halves;
///  - after `limit` tasks in a row finish without a rate limit, the limit grows by one, back up
///    to the -j maximum.
/// Not thread-safe by itself: the scheduler calls it under its own lock.
#include <chrono>
#include <cstdint>

namespace agentry::batch {

class RateGate {
 public:
  using Clock = std::chrono::steady_clock;

  /// `max` from -j; `pause` the first wait after a rate limit (0 in tests).
  explicit RateGate(int max, std::chrono::milliseconds pause = std::chrono::seconds(5));

  int limit() const { return limit_; }
  int max() const { return max_; }
  /// Grows by one with every halving; a task remembers the epoch it started in.
  std::uint64_t epoch() const { return epoch_; }
  /// No new task starts before this.
  Clock::time_point resume_at() const { return resume_at_; }

  /// A task that started in `started_epoch` hit a rate limit. True when this halved the limit.
  bool on_rate_limited(std::uint64_t started_epoch, Clock::time_point now);
  /// A task finished without hitting a rate limit.
  void on_success();

 private:
  int max_;
  int limit_;
  std::uint64_t epoch_ = 0;
  int successes_ = 0;
  std::chrono::milliseconds base_pause_;
  std::chrono::milliseconds pause_;
  Clock::time_point resume_at_{};
};

}  // namespace agentry::batch
