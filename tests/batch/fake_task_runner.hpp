#pragma once
// A engine::TaskRunner for batch tests: each run() answers through a function of the request, emits
// the events a real run would (turn started, usage), and counts how many runs overlap.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "engine/task_runner.hpp"

namespace agentry::batch::testing {

class FakeTaskRunner : public engine::TaskRunner {
 public:
  using Behaviour =
      std::function<Result<engine::RunResult>(const engine::TaskRequest&, std::stop_token)>;

  explicit FakeTaskRunner(Behaviour behaviour = {}) : behaviour_(std::move(behaviour)) {}

  /// A result that completed with `answer`, as the engine would give it.
  static engine::RunResult completed(std::string answer, const std::string& session = "s-1") {
    engine::RunResult r;
    r.session_id = session;
    r.agent = "rust-pro";
    r.result = std::move(answer);
    r.num_turns = 3;
    r.usage = {100, 20, 0, 0};
    r.cost_usd = 0.01;
    r.duration = std::chrono::milliseconds(5);
    return r;
  }

  void add_agent(agents::AgentDefinition agent) { agents_.push_back(std::move(agent)); }
  /// What check() answers (default: every request could start); may change between batches.
  std::function<Result<void>(const engine::TaskRequest&)> check_answer;
  Result<void> check(const engine::TaskRequest& request) override {
    ++checks_;
    return check_answer ? check_answer(request) : Result<void>{};
  }
  int checks() const { return checks_.load(); }

  std::vector<const agents::AgentDefinition*> agents() const override {
    std::vector<const agents::AgentDefinition*> out;
    for (const auto& a : agents_)
      out.push_back(&a);
    return out;
  }

  Result<engine::RunResult> run(const engine::TaskRequest& request, engine::EventSink& events,
                                std::stop_token stop) override {
    int now = ++in_flight_;
    {
      std::lock_guard lock(mutex_);
      peak_ = std::max(peak_, now);
      prompts_.push_back(request.task);
      cwds_.insert(request.cwd.string());
      ++runs_per_prompt_[request.task];
    }
    engine::Origin origin{"sess-" + request.task,
                          request.agent.empty() ? "orchestrator" : request.agent, 0};
    events.on_event(engine::TurnStarted{origin, 1});
    events.on_event(engine::UsageUpdated{origin, {100, 20, 0, 0}, {100, 20, 0, 0}, 0.01});
    Result<engine::RunResult> result =
        behaviour_ ? behaviour_(request, stop)
                   : Result<engine::RunResult>(completed("done " + request.task));
    --in_flight_;
    return result;
  }

  int peak() const {
    std::lock_guard lock(mutex_);
    return peak_;
  }
  std::vector<std::string> prompts() const {
    std::lock_guard lock(mutex_);
    return prompts_;
  }
  int runs_of(const std::string& prompt) const {
    std::lock_guard lock(mutex_);
    auto it = runs_per_prompt_.find(prompt);
    return it == runs_per_prompt_.end() ? 0 : it->second;
  }
  std::set<std::string> cwds() const {
    std::lock_guard lock(mutex_);
    return cwds_;
  }

 private:
  Behaviour behaviour_;
  std::vector<agents::AgentDefinition> agents_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> checks_{0};
  mutable std::mutex mutex_;
  int peak_ = 0;
  std::vector<std::string> prompts_;
  std::set<std::string> cwds_;
  std::map<std::string, int> runs_per_prompt_;
};

/// Sleeps `ms`, waking early (with kCancelled) when stopped.
inline Result<void> sleep_or_cancel(std::chrono::milliseconds ms, std::stop_token stop) {
  auto until = std::chrono::steady_clock::now() + ms;
  while (std::chrono::steady_clock::now() < until) {
    if (stop.stop_requested()) return fail(ErrorCode::kCancelled, "cancelled");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return {};
}

}  // namespace agentry::batch::testing
