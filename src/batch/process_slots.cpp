#include "batch/process_slots.hpp"

#include <algorithm>

namespace agentry::batch {

ProcessSlots::ProcessSlots(int count) : capacity_(std::max(1, count)) {}

ProcessSlots::Slot::~Slot() {
  if (owner_) owner_->release();
}

std::optional<ProcessSlots::Slot> ProcessSlots::acquire(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  if (!freed_.wait(lock, stop, [&] { return in_use_ < capacity_; })) return std::nullopt;
  ++in_use_;
  peak_ = std::max(peak_, in_use_);
  return std::optional<Slot>(std::in_place, *this);
}

void ProcessSlots::release() {
  {
    std::lock_guard lock(mutex_);
    --in_use_;
  }
  freed_.notify_one();
}

int ProcessSlots::in_use() const {
  std::lock_guard lock(mutex_);
  return in_use_;
}

int ProcessSlots::peak() const {
  std::lock_guard lock(mutex_);
  return peak_;
}

Result<tools::ProcessResult> SlottedProcessRunner::run(const tools::ProcessRequest& request,
                                                       std::stop_token stop) {
  auto slot = slots_.acquire(stop);
  if (!slot) {
    return fail(ErrorCode::kCancelled, "cancelled while waiting for a free tool slot",
                tools::display_command(request.argv));
  }
  return inner_.run(request, stop);
}

}  // namespace agentry::batch
