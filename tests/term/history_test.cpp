#include "term/history.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "support/temp_dir.hpp"

namespace agentry::term {

TEST_CASE("history entries escape newlines and backslashes") {
  CHECK(escape_history_entry("a\nb\\c") == "a\\nb\\\\c");
  CHECK(unescape_history_entry("a\\nb\\\\c") == "a\nb\\c");
  CHECK(unescape_history_entry(escape_history_entry("x\\n\n")) == "x\\n\n");
}

TEST_CASE("history survives a reload, blanks and repeats are skipped") {
  testing::TempDir dir;
  auto file = dir.path() / "data" / "history";
  {
    auto h = History::load(file);
    REQUIRE(h);
    CHECK(h->entries().empty());
    REQUIRE(h->add("first"));
    REQUIRE(h->add("first"));
    REQUIRE(h->add("   "));
    REQUIRE(h->add("two\nlines"));
  }
  auto again = History::load(file);
  REQUIRE(again);
  CHECK(again->entries() == std::vector<std::string>{"first", "two\nlines"});
  CHECK(testing::read_file(file) == "first\ntwo\\nlines\n");
}

TEST_CASE("walking back and forth returns to the draft") {
  History h;
  REQUIRE(h.add("one"));
  REQUIRE(h.add("two"));
  CHECK(h.previous("draft") == "two");
  CHECK(h.previous("ignored") == "one");
  CHECK(h.previous("ignored") == std::nullopt);
  CHECK(h.next() == "two");
  CHECK(h.next() == "draft");
  CHECK(h.next() == std::nullopt);
}

TEST_CASE("the file is cut back to the newest entries when it grows past twice the limit") {
  testing::TempDir dir;
  std::string content;
  for (int i = 0; i < 9; ++i)
    content += fmt::format("e{}\n", i);
  auto file = dir.write("history", content);
  auto h = History::load(file, 4);
  REQUIRE(h);
  CHECK(h->entries() == std::vector<std::string>{"e5", "e6", "e7", "e8"});
  CHECK(testing::read_file(file) == "e5\ne6\ne7\ne8\n");
}

}  // namespace agentry::term
