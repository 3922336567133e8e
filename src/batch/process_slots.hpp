#pragma once
/// --tool-jobs: at most N tool processes (cargo, clippy, rustfmt, checks) at once for the whole
/// batch, whatever -j says: -j bounds LLM conversations, which mostly wait on the network,
/// while tool processes compete for the cores. SlottedProcessRunner wraps any ProcessRunner so
/// that each run() first takes a slot (waiting, cancellably, when all are taken).
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stop_token>
#include <utility>

#include "tools/process_runner.hpp"

namespace agentry::batch {

class ProcessSlots {
 public:
  /// `count` < 1 is taken as 1.
  explicit ProcessSlots(int count);

  /// A taken slot, given back when it dies.
  class Slot {
   public:
    explicit Slot(ProcessSlots& owner) : owner_(&owner) {}
    Slot(Slot&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    Slot& operator=(Slot&&) = delete;
    ~Slot();

   private:
    ProcessSlots* owner_;
  };

  /// Waits for a free slot; nullopt when `stop` is requested first.
  std::optional<Slot> acquire(std::stop_token stop);
  int capacity() const { return capacity_; }
  /// Slots taken right now.
  int in_use() const;
  /// The most slots ever taken at once (for tests and the benchmark).
  int peak() const;

 private:
  void release();

  int capacity_;
  mutable std::mutex mutex_;
  std::condition_variable_any freed_;
  int in_use_ = 0;
  int peak_ = 0;
};

class SlottedProcessRunner final : public tools::ProcessRunner {
 public:
  SlottedProcessRunner(tools::ProcessRunner& inner, ProcessSlots& slots)
      : inner_(inner), slots_(slots) {}
  [[nodiscard]] Result<tools::ProcessResult> run(const tools::ProcessRequest& request,
                                                 std::stop_token stop) override;

 private:
  tools::ProcessRunner& inner_;
  ProcessSlots& slots_;
};

}  // namespace agentry::batch
