#pragma once
/// Ctrl-C handling without global state: SIGINT and SIGTERM are blocked in every thread and a
/// watcher thread takes them with sigtimedwait. The first one requests stop on the run's
/// stop_source (the current turn, its tools and every subagent wind down, killing their child
/// processes); a second one calls `on_force_quit`, where a front-end may quit at once.
///
/// Construct it first in main, before any other thread starts, so every thread inherits the mask.
/// Child processes must not inherit it: the process runner resets the mask for them.
#include <atomic>
#include <csignal>
#include <functional>
#include <mutex>
#include <stop_token>
#include <thread>

namespace agentry::cli {

class InterruptWatcher {
 public:
  InterruptWatcher();
  ~InterruptWatcher();
  InterruptWatcher(const InterruptWatcher&) = delete;
  InterruptWatcher& operator=(const InterruptWatcher&) = delete;

  /// The token the current run observes.
  std::stop_token token() const;
  /// A fresh stop source for the next turn (chat); the old token stays stopped.
  void rearm();
  /// Number of interrupts seen since the last rearm().
  int count() const { return count_.load(); }
  /// Called (from the watcher thread) on the second SIGINT since the last rearm().
  void on_force_quit(std::function<void()> fn) { force_quit_ = std::move(fn); }

 private:
  void watch(std::stop_token self);

  sigset_t previous_{};
  mutable std::mutex mutex_;  // guards source_: rearm() swaps it while the watcher may fire
  std::stop_source source_;
  std::atomic<int> count_{0};
  std::function<void()> force_quit_;
  std::jthread thread_;
};

}  // namespace agentry::cli
