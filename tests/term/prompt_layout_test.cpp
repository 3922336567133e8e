#include "term/prompt_layout.hpp"

#include <doctest/doctest.h>

namespace agentry::term {

TEST_CASE("a short line: one row, the cursor after the prompt and text") {
  auto l = layout_prompt("\x1b[1ma\x1b[0m > ", "    ", "hello", 5, {}, 80);
  CHECK(l.draw == "\x1b[1ma\x1b[0m > hello");
  CHECK(l.rows == 1);
  CHECK(l.cursor_row == 0);
  CHECK(l.cursor_column == 9);
  CHECK(move_to_cursor(l) == "\r\x1b[9C");
}

TEST_CASE("wrapping at the terminal width and an exactly full row") {
  auto l = layout_prompt("> ", "  ", "abcdefgh", 8, {}, 10);  // 2 + 8 = 10: exactly full
  CHECK(l.draw == "> abcdefgh\r\n");
  CHECK(l.rows == 2);
  CHECK(l.cursor_row == 1);
  CHECK(l.cursor_column == 0);
  auto w = layout_prompt("> ", "  ", "abcdefghijk", 3, {}, 10);
  CHECK(w.rows == 2);
  CHECK(w.cursor_row == 0);
  CHECK(w.cursor_column == 5);
  CHECK(move_to_cursor(w) == "\x1b[1A\r\x1b[5C");
}

TEST_CASE("multi-line input: continuation prefix, cursor on a later line, hints below") {
  auto l = layout_prompt("ab> ", "    ", "one\ntwo\tx", 7, {"hint one", "a very long hint"}, 10);
  CHECK(l.draw == "ab> one\r\n    two x\r\nhint one\r\na very l…");
  CHECK(l.rows == 4);
  CHECK(l.cursor_row == 1);
  CHECK(l.cursor_column == 7);
  CHECK(move_to_cursor(l) == "\x1b[2A\r\x1b[7C");
}

TEST_CASE("wide characters count two columns") {
  auto l = layout_prompt("> ", "  ", "日本語", 6, {}, 80);
  CHECK(l.cursor_column == 6);
}

}  // namespace agentry::term
