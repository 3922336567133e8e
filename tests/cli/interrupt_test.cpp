// InterruptWatcher: the stop request on the first SIGINT, the force-quit handler on the second,
// and a handler set or replaced while the watcher thread runs (issue 16: it was a plain
// std::function written by the front-end and read by the watcher thread without a lock; the
// race shows under the tsan preset, the behaviour under any build).
#include "cli/interrupt.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <signal.h>
#include <thread>
#include <unistd.h>

#include <doctest/doctest.h>

namespace agentry::cli {
namespace {

/// Polls `done` for up to 10 s.
bool eventually(const std::function<bool()>& done) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

TEST_CASE("interrupt: a force-quit handler set after start-up runs on the second SIGINT") {
  InterruptWatcher watcher;  // blocks SIGINT here: kill() below reaches its thread only
  std::atomic<int> first{0};
  std::atomic<int> second{0};
  watcher.on_force_quit([&first] { ++first; });

  REQUIRE(::kill(::getpid(), SIGINT) == 0);
  REQUIRE(eventually([&] { return watcher.count() == 1; }));
  CHECK(watcher.token().stop_requested());
  CHECK(first == 0);

  // Sent one at a time: two pending SIGINTs would merge into one.
  REQUIRE(::kill(::getpid(), SIGINT) == 0);
  REQUIRE(eventually([&] { return first == 1; }));

  // Replaced while a third interrupt is being taken: the new handler runs, never both.
  std::thread signaller([] { ::kill(::getpid(), SIGINT); });
  watcher.on_force_quit([&second] { ++second; });
  signaller.join();
  REQUIRE(eventually([&] { return watcher.count() == 3; }));
  REQUIRE(eventually([&] { return first + second == 2; }));

  watcher.rearm();
  CHECK_FALSE(watcher.token().stop_requested());
  CHECK(watcher.count() == 0);
}

}  // namespace
}  // namespace agentry::cli
