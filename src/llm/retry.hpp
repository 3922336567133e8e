#pragma once
/// When and how long to wait before trying a model call again.
///
/// Retried: HTTP 408, 409, 429, every 5xx (529 "overloaded" included) and connection-level
/// failures; never 400/401/403/404/413/422 or other 4xx. The server's own wish wins over the
/// status: `x-should-retry: true|false`, and a 429 whose code is `insufficient_quota` (no amount
/// of waiting refills a quota). The delay is the server's `retry-after-ms` (milliseconds) or
/// `Retry-After` (seconds or an HTTP-date) when given and not over `max_server_delay` (beyond it
/// the call fails at once, naming the wait); otherwise exponential backoff with jitter:
/// initial × 2^attempt, capped, times a factor in (0.75, 1].
#include <chrono>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "llm/http_client.hpp"

namespace agentry::llm {

struct RetryPolicy {
  int max_retries = 2;  ///< attempts after the first; 0 disables retrying
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{8'000};
  std::chrono::milliseconds max_server_delay{60'000};
};

/// The side effects of waiting, injectable so tests run instantly and deterministically.
struct RetryServices {
  /// Wall-clock now, used to turn an HTTP-date into a delay.
  std::function<std::chrono::system_clock::time_point()> now;
  /// Waits `delay`; returns false when `stop` was requested first.
  std::function<bool(std::chrono::milliseconds delay, std::stop_token stop)> sleep;
  /// A uniform random number in [0, 1).
  std::function<double()> random;

  /// The real clock, a condition-variable sleep that wakes on stop, and a seeded PRNG.
  static RetryServices system();
};

/// True for statuses worth retrying: 408, 409, 429 and 500–599.
bool is_retryable_status(long status);

/// The server-requested delay from `retry-after-ms` or `retry-after` (seconds, fractional
/// accepted, or an HTTP-date relative to `now`); nullopt when absent or unparsable. A date in the
/// past gives zero.
std::optional<std::chrono::milliseconds> server_retry_delay(
    const HttpResponse& response, std::chrono::system_clock::time_point now);

/// Exponential backoff for retry number `attempt` (0-based) with jitter from `random01`.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int attempt, double random01);

/// What to do about one HTTP answer with an error status.
struct RetryDecision {
  bool retryable = false;  ///< the failure is of a kind that may pass (also after retries run out)
  bool retry = false;      ///< retry now (if attempts remain): retryable and no over-long wait
  std::optional<std::chrono::milliseconds> server_delay;  ///< the wait the server asked for
  std::string reason;  ///< why not, when the status alone looked retryable
};

/// Classifies an answer with status `response.status` whose body gave the error code
/// `error_code` (may be empty). The attempt cap and the backoff are the caller's.
RetryDecision classify_http_failure(const RetryPolicy& policy, const HttpResponse& response,
                                    std::string_view error_code,
                                    std::chrono::system_clock::time_point now);

}  // namespace agentry::llm
