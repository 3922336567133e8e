// HTTP-date parsing for Retry-After: the three forms of RFC 9110 and what is not a date.
#include "llm/http_date.hpp"

#include <doctest/doctest.h>

namespace agentry::llm {
namespace {

using namespace std::chrono;

system_clock::time_point utc(int y, unsigned mo, unsigned d, int h, int mi, int s) {
  return sys_days(year(y) / month(mo) / day(d)) + hours(h) + minutes(mi) + seconds(s);
}

TEST_CASE("IMF-fixdate, RFC 850 and asctime name the same instant") {
  auto expected = utc(1994, 11, 6, 8, 49, 37);
  CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == expected);
  CHECK(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == expected);
  CHECK(parse_http_date("Sun Nov  6 08:49:37 1994") == expected);
  CHECK(parse_http_date("sun, 06 NOV 1994 08:49:37 gmt") == expected);
}

TEST_CASE("two-digit years below 70 are in this century") {
  CHECK(parse_http_date("Sunday, 23-Nov-25 12:13:25 GMT") == utc(2025, 11, 23, 12, 13, 25));
  CHECK(parse_http_date("Thursday, 01-Jan-70 00:00:00 GMT") == utc(1970, 1, 1, 0, 0, 0));
}

TEST_CASE("what is not an HTTP-date is refused") {
  for (const char* text :
       {"", "soon", "-3", "Sun, 06 Nov 1994", "Sun, 06 Nov 1994 25:00:00 GMT",
        "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 08:49:37 GMT", "Sun, 06 Nov Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 1995 08:49:37 GMT", "Sun, 06 Nov 1994 8:49:37 GMT"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_http_date(text).has_value());
  }
}

}  // namespace
}  // namespace agentry::llm
