#include "llm/retry.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <random>
#include <string>

#include <fmt/format.h>

#include "core/text.hpp"
#include "llm/http_date.hpp"

namespace agentry::llm {

namespace {

using std::chrono::milliseconds;

std::optional<double> parse_number(std::string_view s) {
  while (!s.empty() && s.front() == ' ')
    s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ')
    s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

RetryServices RetryServices::system() {
  RetryServices s;
  s.now = [] { return std::chrono::system_clock::now(); };
  s.sleep = [](milliseconds delay, std::stop_token stop) {
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    return !cv.wait_for(lock, stop, delay, [] { return false; }) && !stop.stop_requested();
  };
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  auto engine_mu = std::make_shared<std::mutex>();
  s.random = [engine, engine_mu] {
    std::lock_guard lock(*engine_mu);
    return std::uniform_real_distribution<double>(0.0, 1.0)(*engine);
  };
  return s;
}

bool is_retryable_status(long status) {
  return status == 408 || status == 409 || status == 429 || (status >= 500 && status <= 599);
}

std::optional<milliseconds> server_retry_delay(const HttpResponse& response,
                                               std::chrono::system_clock::time_point now) {
  if (auto ms = parse_number(response.header("retry-after-ms")); ms && *ms >= 0) {
    return milliseconds(static_cast<std::int64_t>(std::ceil(*ms)));
  }
  std::string after = response.header("retry-after");
  if (after.empty()) return std::nullopt;
  if (auto seconds = parse_number(after); seconds && *seconds >= 0) {
    return milliseconds(static_cast<std::int64_t>(std::ceil(*seconds * 1000)));
  }
  auto when = parse_http_date(after);
  if (!when) return std::nullopt;
  auto delta = *when - now;
  return std::max(milliseconds(0), std::chrono::ceil<milliseconds>(delta));
}

milliseconds backoff_delay(const RetryPolicy& policy, int attempt, double random01) {
  double base = static_cast<double>(policy.initial_backoff.count()) *
                std::pow(2.0, static_cast<double>(std::clamp(attempt, 0, 30)));
  base = std::min(base, static_cast<double>(policy.max_backoff.count()));
  double jitter = 1.0 - 0.25 * std::clamp(random01, 0.0, 0.999999);  // (0.75, 1]
  return milliseconds(static_cast<std::int64_t>(base * jitter));
}

RetryDecision classify_http_failure(const RetryPolicy& policy, const HttpResponse& response,
                                    std::string_view error_code,
                                    std::chrono::system_clock::time_point now) {
  RetryDecision d;
  d.retryable = is_retryable_status(response.status);
  if (response.status == 429 && error_code == "insufficient_quota") {
    d.retryable = false;
    d.reason = "the account's quota is used up: waiting will not help";
  }
  std::string should = ascii_lower(response.header("x-should-retry"));
  if (should == "true") d.retryable = true;
  if (should == "false" && d.retryable) {
    d.retryable = false;
    d.reason = "the server said x-should-retry: false";
  }
  if (!d.retryable) return d;
  d.retry = true;
  d.server_delay = server_retry_delay(response, now);
  if (d.server_delay && *d.server_delay > policy.max_server_delay) {
    d.retry = false;
    d.reason =
        fmt::format("the server asked to wait {} s, more than the {} s allowed; try later",
                    std::chrono::ceil<std::chrono::seconds>(*d.server_delay).count(),
                    std::chrono::ceil<std::chrono::seconds>(policy.max_server_delay).count());
  }
  return d;
}

}  // namespace agentry::llm
