#include "llm/retry.hpp"

#include <doctest/doctest.h>

namespace agentry::llm {
namespace {

using std::chrono::milliseconds;

const auto kNow =
    std::chrono::system_clock::from_time_t(1'763'900'000);  // Sun, 23 Nov 2025 12:13:20 GMT

HttpResponse answer(long status, std::map<std::string, std::string, std::less<>> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  return r;
}

TEST_CASE("retryable statuses") {
  for (long s : {408L, 409L, 429L, 500L, 502L, 503L, 504L, 529L, 599L}) {
    CAPTURE(s);
    CHECK(is_retryable_status(s));
  }
  for (long s : {200L, 301L, 400L, 401L, 402L, 403L, 404L, 413L, 422L, 499L, 600L}) {
    CAPTURE(s);
    CHECK_FALSE(is_retryable_status(s));
  }
}

TEST_CASE("server delays: retry-after-ms first, then seconds, then an HTTP-date") {
  CHECK(server_retry_delay(answer(429, {{"retry-after-ms", "50"}, {"retry-after", "9"}}), kNow) ==
        milliseconds(50));
  CHECK(server_retry_delay(answer(429, {{"retry-after-ms", "12.2"}}), kNow) == milliseconds(13));
  CHECK(server_retry_delay(answer(429, {{"retry-after", "2"}}), kNow) == milliseconds(2000));
  CHECK(server_retry_delay(answer(429, {{"retry-after", "0.5"}}), kNow) == milliseconds(500));
  CHECK(server_retry_delay(answer(429, {{"retry-after", "Sun, 23 Nov 2025 12:13:30 GMT"}}), kNow) ==
        milliseconds(10000));
  CHECK(server_retry_delay(answer(429, {{"retry-after", "Sunday, 23-Nov-25 12:13:25 GMT"}}),
                           kNow) == milliseconds(5000));
  CHECK(server_retry_delay(answer(429, {{"retry-after", "Sun, 23 Nov 2025 12:00:00 GMT"}}), kNow) ==
        milliseconds(0));
  CHECK_FALSE(server_retry_delay(answer(429, {{"retry-after", "soon"}}), kNow).has_value());
  CHECK_FALSE(server_retry_delay(answer(429, {{"retry-after", "-3"}}), kNow).has_value());
  CHECK_FALSE(server_retry_delay(answer(429), kNow).has_value());
}

TEST_CASE(
    "backoff doubles from the initial delay, is capped, and jitters down by at most a quarter") {
  RetryPolicy p;
  CHECK(backoff_delay(p, 0, 0.0) == milliseconds(500));
  CHECK(backoff_delay(p, 1, 0.0) == milliseconds(1000));
  CHECK(backoff_delay(p, 3, 0.0) == milliseconds(4000));
  CHECK(backoff_delay(p, 4, 0.0) == milliseconds(8000));
  CHECK(backoff_delay(p, 20, 0.0) == milliseconds(8000));
  CHECK(backoff_delay(p, 0, 0.5) == milliseconds(437));
  CHECK(backoff_delay(p, 0, 0.999999) == milliseconds(375));
}

TEST_CASE("classification: quota, x-should-retry and over-long waits") {
  RetryPolicy p;
  auto d =
      classify_http_failure(p, answer(429, {{"retry-after", "3"}}), "rate_limit_exceeded", kNow);
  CHECK(d.retryable);
  CHECK(d.retry);
  CHECK(d.server_delay == milliseconds(3000));

  d = classify_http_failure(p, answer(429), "insufficient_quota", kNow);
  CHECK_FALSE(d.retryable);
  CHECK_FALSE(d.retry);
  CHECK(d.reason.find("quota") != std::string::npos);

  d = classify_http_failure(p, answer(500, {{"x-should-retry", "false"}}), "", kNow);
  CHECK_FALSE(d.retry);
  d = classify_http_failure(p, answer(400, {{"x-should-retry", "true"}}), "", kNow);
  CHECK(d.retry);
  d = classify_http_failure(p, answer(404), "", kNow);
  CHECK_FALSE(d.retryable);
  CHECK(d.reason.empty());

  d = classify_http_failure(p, answer(503, {{"retry-after", "61"}}), "", kNow);
  CHECK(d.retryable);
  CHECK_FALSE(d.retry);
  CHECK(d.reason == "the server asked to wait 61 s, more than the 60 s allowed; try later");
}

TEST_CASE("the system sleeper wakes on a stop request") {
  auto s = RetryServices::system();
  std::stop_source stop;
  stop.request_stop();
  CHECK_FALSE(s.sleep(milliseconds(60'000), stop.get_token()));
  CHECK(s.sleep(milliseconds(1), std::stop_token{}));
  double r = s.random();
  CHECK(r >= 0.0);
  CHECK(r < 1.0);
}

}  // namespace
}  // namespace agentry::llm
