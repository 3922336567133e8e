#pragma once
/// Follows one task's engine events to know what a run used even when it ends without a
/// RunResult (a timeout, a provider error): the top session's id and agent, its turns, and the
/// usage and cost summed over that session and every subagent session under it.
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/message.hpp"
#include "engine/events.hpp"

namespace agentry::batch {

class RunTracker final : public engine::EventSink {
 public:
  void on_event(const engine::Event& event) override;

  struct Snapshot {
    std::string session_id;
    std::string agent;
    int num_turns = 0;
    Usage usage;
    std::optional<double> cost_usd;  ///< unset when any session's price is unknown
  };
  Snapshot snapshot() const;

 private:
  struct SessionSpend {
    Usage total;
    std::optional<double> cost_usd;
  };
  mutable std::mutex mutex_;
  Snapshot top_;
  std::map<std::string, SessionSpend> sessions_;
};

}  // namespace agentry::batch
