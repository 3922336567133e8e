#include "batch/run_tracker.hpp"

namespace agentry::batch {

void RunTracker::on_event(const engine::Event& event) {
  std::lock_guard lock(mutex_);
  auto note_top = [&](const engine::Origin& o) {
    if (o.depth == 0 && top_.session_id.empty()) {
      top_.session_id = o.session_id;
      top_.agent = o.agent;
    }
  };
  // Exhaustive on purpose: a new event type must be considered here.
  struct Visitor {
    RunTracker& self;
    decltype(note_top)& note;
    void operator()(const engine::TurnStarted& e) {
      note(e.origin);
      if (e.origin.depth == 0) ++self.top_.num_turns;
    }
    void operator()(const engine::TextDelta&) {}
    void operator()(const engine::ThinkingDelta&) {}
    void operator()(const engine::ToolCallStarted&) {}
    void operator()(const engine::ToolCallProgress&) {}
    void operator()(const engine::ToolCallFinished&) {}
    void operator()(const engine::UsageUpdated& e) {
      note(e.origin);
      self.sessions_[e.origin.session_id] = {e.total, e.cost_usd};
    }
    void operator()(const engine::SubagentStarted&) {}
    void operator()(const engine::SubagentFinished&) {}
    void operator()(const engine::ContextCompacted& e) { note(e.origin); }
    void operator()(const engine::HookRan&) {}
    void operator()(const engine::Done& e) { note(e.origin); }
    void operator()(const engine::ErrorOccurred& e) { note(e.origin); }
  };
  std::visit(Visitor{*this, note_top}, event);
}

RunTracker::Snapshot RunTracker::snapshot() const {
  std::lock_guard lock(mutex_);
  Snapshot s = top_;
  bool priced = true;
  double cost = 0;
  for (const auto& [id, spend] : sessions_) {
    s.usage += spend.total;
    if (spend.cost_usd) {
      cost += *spend.cost_usd;
    } else {
      priced = false;
    }
  }
  if (priced && !sessions_.empty()) s.cost_usd = cost;
  return s;
}

}  // namespace agentry::batch
