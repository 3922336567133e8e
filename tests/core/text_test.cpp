#include "core/text.hpp"

#include <doctest/doctest.h>

namespace agentry {
namespace {

TEST_CASE("ascii_lower lowers A-Z only, whatever the bytes around them") {
  CHECK(ascii_lower("Content-Type: X-Should-Retry") == "content-type: x-should-retry");
  CHECK(ascii_lower("ÄÖ ok") == "ÄÖ ok");  // UTF-8 bytes pass through unchanged
  CHECK(ascii_lower("") == "");
}

TEST_CASE("trim takes the given characters off both ends, whitespace by default") {
  CHECK(trim("  \t a b \r\n") == "a b");
  CHECK(trim(" \t\r\n") == "");
  CHECK(trim("") == "");
  CHECK(trim(" a\n", kBlanks) == "a\n");  // blanks only: the newline stays
  CHECK(trim("--x--", "-") == "x");
}

TEST_CASE("is_blank, is_ascii_space, excerpt and without_trailing_slashes") {
  CHECK(is_blank(""));
  CHECK(is_blank(" \t\r\n"));
  CHECK_FALSE(is_blank(" x "));
  CHECK_FALSE(is_blank("\n", kBlanks));
  CHECK(is_ascii_space('\r'));
  CHECK_FALSE(is_ascii_space('x'));
  CHECK(excerpt("short") == "short");
  CHECK(excerpt(std::string(121, 'a')) == std::string(120, 'a') + "…");
  CHECK(excerpt("abcdef", 3) == "abc…");
  CHECK(without_trailing_slashes("http://h/v1//") == "http://h/v1");
  CHECK(without_trailing_slashes("///") == "");
}

}  // namespace
}  // namespace agentry
