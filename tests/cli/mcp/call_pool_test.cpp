#include "cli/mcp/call_pool.hpp"

#include <atomic>

#include <doctest/doctest.h>

#include "cli/mcp/fake_runner.hpp"

namespace agentry::cli::mcp {

using testing::Gate;

TEST_CASE("CallPool runs calls concurrently up to its bound") {
  CallPool pool(2);
  Gate started;
  Gate release;
  std::atomic<int> finished{0};
  auto work = [&](std::stop_token stop) {
    started.arrive();
    CHECK_FALSE(release.wait_or_stop(stop));
    ++finished;
  };
  REQUIRE(pool.submit("a", work));
  REQUIRE(pool.submit("b", work));
  REQUIRE(started.wait_for(2));  // both run at once, or this would time out
  release.arrive();
  pool.wait_idle();
  CHECK(finished == 2);
}

TEST_CASE("CallPool queues calls beyond its bound and refuses a key in use") {
  CallPool pool(1);
  Gate started;
  Gate release;
  std::vector<std::string> order;
  std::mutex order_mutex;
  auto work = [&](std::string name) {
    return [&, name](std::stop_token stop) {
      {
        std::lock_guard lock(order_mutex);
        order.push_back(name);
      }
      started.arrive();
      release.wait_or_stop(stop);
    };
  };
  REQUIRE(pool.submit("a", work("a")));
  REQUIRE(started.wait_for(1));
  REQUIRE(pool.submit("b", work("b")));
  CHECK_FALSE(pool.submit("a", work("a again")));  // running
  CHECK_FALSE(pool.submit("b", work("b again")));  // queued
  CHECK(started.count() == 1);
  release.arrive();
  pool.wait_idle();
  CHECK(order == std::vector<std::string>{"a", "b"});
  CHECK(pool.submit("a", work("a later")));  // finished keys are free again
  pool.wait_idle();
}

TEST_CASE("CallPool cancel stops a running call and drops a queued one") {
  CallPool pool(1);
  Gate started;
  Gate never;
  std::atomic<bool> a_stopped{false};
  std::atomic<bool> b_ran{false};
  REQUIRE(pool.submit("a", [&](std::stop_token stop) {
    started.arrive();
    a_stopped = never.wait_or_stop(stop);
  }));
  REQUIRE(started.wait_for(1));
  REQUIRE(pool.submit("b", [&](std::stop_token) { b_ran = true; }));
  CHECK(pool.cancel("b"));
  CHECK(pool.cancel("a"));
  CHECK_FALSE(pool.cancel("c"));
  pool.wait_idle();
  CHECK(a_stopped);
  CHECK_FALSE(b_ran);
}

TEST_CASE("CallPool shutdown cancels running calls, joins and accepts nothing more") {
  CallPool pool(3);
  Gate started;
  Gate never;
  std::atomic<int> stopped{0};
  for (const char* key : {"a", "b"}) {
    REQUIRE(pool.submit(key, [&](std::stop_token stop) {
      started.arrive();
      if (never.wait_or_stop(stop)) ++stopped;
    }));
  }
  REQUIRE(started.wait_for(2));
  pool.shutdown();
  CHECK(stopped == 2);
  CHECK_FALSE(pool.submit("c", [](std::stop_token) {}));
}

}  // namespace agentry::cli::mcp
