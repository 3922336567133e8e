#include "batch/rate_gate.hpp"

#include <algorithm>

namespace agentry::batch {

namespace {
constexpr std::chrono::milliseconds kMaxPause = std::chrono::minutes(1);
}

RateGate::RateGate(int max, std::chrono::milliseconds pause)
    : max_(std::max(1, max)), limit_(max_), base_pause_(pause), pause_(pause) {}

bool RateGate::on_rate_limited(std::uint64_t started_epoch, Clock::time_point now) {
  successes_ = 0;
  if (started_epoch != epoch_) return false;
  limit_ = std::max(1, limit_ / 2);
  ++epoch_;
  resume_at_ = now + pause_;
  pause_ = std::min(kMaxPause, pause_ * 2);
  return true;
}

void RateGate::on_success() {
  pause_ = base_pause_;
  if (limit_ >= max_) return;
  if (++successes_ >= limit_) {
    ++limit_;
    successes_ = 0;
  }
}

}  // namespace agentry::batch
