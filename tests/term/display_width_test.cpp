#include "term/display_width.hpp"

#include <doctest/doctest.h>

namespace agentry::term {

TEST_CASE("display width counts wide and combining characters") {
  CHECK(display_width("abc") == 3);
  CHECK(display_width("héllo") == 5);
  CHECK(display_width("日本") == 4);
  CHECK(display_width("e\xCC\x81") == 1);  // e + combining acute
  CHECK(display_width("🦀") == 2);
  CHECK(display_width("\xFF\xFE") == 2);  // malformed bytes: one replacement each
}

TEST_CASE("fit_prefix and truncate_to_width cut at character boundaries") {
  CHECK(fit_prefix("日本語", 5) == "日本");
  CHECK(fit_prefix("abc", 10) == "abc");
  CHECK(truncate_to_width("abcdef", 4) == "abc…");
  CHECK(truncate_to_width("abc", 3) == "abc");
  CHECK(truncate_to_width("日本語", 4) == "日…");
}

TEST_CASE("without_sgr removes colour codes only") {
  CHECK(without_sgr("\x1b[1;4mA\x1b[0m b") == "A b");
  CHECK(without_sgr("[plain]") == "[plain]");
}

TEST_CASE("boundaries step over whole UTF-8 characters") {
  std::string s = "a日b";
  CHECK(next_boundary(s, 1) == 4);
  CHECK(previous_boundary(s, 4) == 1);
  CHECK(previous_boundary(s, 0) == 0);
  CHECK(next_boundary(s, 5) == 5);
}

}  // namespace agentry::term
