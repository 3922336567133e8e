#include "term/line_buffer.hpp"

#include <doctest/doctest.h>

namespace agentry::term {

TEST_CASE("insert, move and delete by whole characters") {
  LineBuffer b;
  b.insert("héllo");
  CHECK(b.cursor() == 6);
  b.left();
  b.left();
  b.left();
  b.left();
  CHECK(b.cursor() == 1);
  b.delete_forward();
  CHECK(b.text() == "hllo");
  b.insert("é");
  b.backspace();
  b.backspace();
  CHECK(b.text() == "llo");
  CHECK(b.cursor() == 0);
  b.backspace();
  CHECK(b.text() == "llo");
}

TEST_CASE("words, kills and yank") {
  LineBuffer b;
  b.set("cargo clippy --fix");
  b.word_left();
  CHECK(b.cursor() == 13);
  b.word_left();
  CHECK(b.cursor() == 6);
  b.word_right();
  CHECK(b.cursor() == 12);
  b.kill_to_end();
  CHECK(b.text() == "cargo clippy");
  b.kill_word_back();
  CHECK(b.text() == "cargo ");
  b.yank();
  CHECK(b.text() == "cargo clippy");
  b.kill_to_start();
  CHECK(b.text() == "");
}

TEST_CASE("multi-line: home/end per line, up/down keep the column, kills stay on the line") {
  LineBuffer b;
  b.set("first line\nab\nthird line");
  CHECK(b.cursor() == b.text().size());
  b.home();
  CHECK(b.cursor() == 14);
  b.right();
  b.right();
  b.right();
  REQUIRE(b.up());
  CHECK(b.cursor() == 13);  // "ab" is shorter: its end
  REQUIRE(b.up());
  CHECK(b.cursor() == 2);
  CHECK_FALSE(b.up());
  REQUIRE(b.down());
  CHECK(b.cursor() == 13);
  REQUIRE(b.down());
  CHECK(b.cursor() == 16);
  CHECK_FALSE(b.down());
  b.end();
  CHECK(b.cursor() == b.text().size());
  b.up();
  b.end();
  b.kill_to_end();  // at the end of "ab": joins the next line
  CHECK(b.text() == "first line\nabthird line");
  b.kill_to_start();
  CHECK(b.text() == "first line\nthird line");
}

}  // namespace agentry::term
