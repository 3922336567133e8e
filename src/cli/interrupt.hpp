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
  /// Called (from the watcher thread) on the second SIGINT since the last rearm(). May be set
  /// or replaced at any time: the watcher thread already runs.
  void on_force_quit(std::function<void()> fn);

 private:
  void watch(std::stop_token self);

  sigset_t previous_{};
  // Guards source_ and force_quit_: rearm() and on_force_quit() replace them while the watcher
  // thread, started by the constructor, may read them.
  mutable std::mutex mutex_;
  std::stop_source source_;
  std::atomic<int> count_{0};
  std::function<void()> force_quit_;
  std::jthread thread_;
};

}  // namespace agentry::cli
