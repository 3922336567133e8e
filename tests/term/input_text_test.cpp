#include "term/input_text.hpp"

#include <doctest/doctest.h>

namespace agentry::term {

TEST_CASE("a trailing backslash turns Enter into a newline") {
  LineBuffer b;
  b.set("first \\");
  CHECK(continue_after_backslash(b));
  CHECK(b.text() == "first \n");
  b.insert("second");
  CHECK_FALSE(continue_after_backslash(b));
  CHECK(b.text() == "first \nsecond");
}

TEST_CASE("an escaped backslash submits, the backslash before the cursor counts") {
  LineBuffer b;
  b.set("path C:\\\\");
  CHECK_FALSE(continue_after_backslash(b));
  CHECK(b.text() == "path C:\\\\");
  b.set("a\\b");
  b.left();
  CHECK(continue_after_backslash(b));
  CHECK(b.text() == "a\nb");
  CHECK(b.cursor() == 2);
}

TEST_CASE("small pastes go inline, large ones become placeholders expanded on send") {
  PastedBlocks pastes;
  CHECK(pastes.add("one\ntwo\n") == "one\ntwo");
  CHECK(pastes.add("tab\there\x07!") == "tab\there!");
  std::string big;
  for (int i = 1; i <= 20; ++i)
    big += "line " + std::to_string(i) + "\n";
  std::string placeholder = pastes.add(big);
  CHECK(placeholder == "[pasted text #1: 20 lines]");
  std::string wide(3000, 'x');
  CHECK(pastes.add(wide) == "[pasted text #2: 1 lines]");
  std::string typed = "look at " + placeholder + " please";
  CHECK(pastes.expand(typed) == "look at " + big.substr(0, big.size() - 1) + " please");
  CHECK(pastes.expand("[pasted text #1: 20 line") == "[pasted text #1: 20 line");
  pastes.clear();
  CHECK(pastes.expand(placeholder) == placeholder);
}

}  // namespace agentry::term
