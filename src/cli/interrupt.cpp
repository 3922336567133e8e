#include "cli/interrupt.hpp"

#include <ctime>
#include <mutex>
#include <pthread.h>
#include <unistd.h>

namespace agentry::cli {

namespace {

sigset_t watched_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

InterruptWatcher::InterruptWatcher() {
  sigset_t set = watched_signals();
  pthread_sigmask(SIG_BLOCK, &set, &previous_);
  thread_ = std::jthread([this](std::stop_token self) { watch(std::move(self)); });
}

InterruptWatcher::~InterruptWatcher() {
  thread_.request_stop();
  // Wake the watcher now rather than at its next tick: every command would otherwise spend up
  // to 50 ms at exit waiting for it. The signal goes to that thread only, where it is blocked
  // and taken by sigtimedwait; with the stop requested it counts as no interrupt.
  if (thread_.joinable()) {
    pthread_kill(thread_.native_handle(), SIGTERM);
    thread_.join();
  }
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

std::stop_token InterruptWatcher::token() const {
  std::lock_guard lock(mutex_);
  return source_.get_token();
}

void InterruptWatcher::rearm() {
  std::lock_guard lock(mutex_);
  source_ = std::stop_source();
  count_ = 0;
}

void InterruptWatcher::on_force_quit(std::function<void()> fn) {
  std::lock_guard lock(mutex_);
  force_quit_ = std::move(fn);
}

void InterruptWatcher::watch(std::stop_token self) {
  sigset_t set = watched_signals();
  const timespec tick{0, 50'000'000};  // notice our own shutdown within 50 ms
  while (!self.stop_requested()) {
    siginfo_t info;
    int sig = sigtimedwait(&set, &info, &tick);
    if (sig < 0 || self.stop_requested()) continue;
    int seen = ++count_;
    std::function<void()> force_quit;
    {
      std::lock_guard lock(mutex_);
      source_.request_stop();
      if (seen >= 2) force_quit = force_quit_;
    }
    // Called outside the lock: it may quit, or call back into this watcher.
    if (force_quit) force_quit();
  }
}

}  // namespace agentry::cli
