#pragma once
/// HTTP-date parsing (RFC 9110 §5.6.7) for Retry-After.
#include <chrono>
#include <optional>
#include <string_view>

namespace agentry::llm {

/// The instant an HTTP-date names, in any of its three forms: IMF-fixdate
/// ("Sun, 06 Nov 1994 08:49:37 GMT"), RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime
/// ("Sun Nov  6 08:49:37 1994"). Two-digit years below 70 are 20xx. Anything else: nullopt.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

}  // namespace agentry::llm
