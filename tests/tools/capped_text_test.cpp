#include "tools/capped_text.hpp"

#include <doctest/doctest.h>

namespace agentry::tools {

TEST_CASE("a buffer under its cap keeps everything") {
  CappedBuffer b(100);
  b.append("hello ");
  b.append("world");
  CHECK(b.text() == "hello world");
  CHECK(b.dropped() == 0);
  CHECK(b.total() == 11);
}

TEST_CASE("a buffer over its cap keeps head and tail and counts the cut") {
  CappedBuffer b(10);
  b.append("abcdefghij");
  b.append("0123456789");
  CHECK(b.total() == 20);
  CHECK(b.dropped() == 10);
  CHECK(b.text() == "abcde\n[... 10 bytes cut ...]\n56789");
}

TEST_CASE("many small appends keep the true tail") {
  CappedBuffer b(8);
  for (char c = 'a'; c <= 'z'; ++c)
    b.append(std::string(1, c));
  CHECK(b.text() == "abcd\n[... 18 bytes cut ...]\nwxyz");
}

TEST_CASE("cuts fall on line ends when one is near") {
  std::string text;
  for (int i = 0; i < 100; ++i)
    text += "line " + std::to_string(i) + "\n";
  std::string capped = cap_text(text, 100);
  CHECK(capped.rfind("line 0\nline 1\n", 0) == 0);
  CHECK(capped.ends_with("line 99\n"));
  auto marker = capped.find("[... ");
  REQUIRE(marker != std::string::npos);
  CHECK(capped[marker - 1] == '\n');
  CHECK(capped.substr(capped.find("...]\n") + 5, 5) == "line ");
}

TEST_CASE("invalid UTF-8 becomes U+FFFD, valid text is unchanged") {
  CHECK(valid_utf8("plain é ✓ 🦀") == "plain é ✓ 🦀");
  CHECK(valid_utf8(std::string("a\xff"
                               "b")) ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(valid_utf8(std::string("\xe2\x9c")) == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(valid_utf8(std::string("\xc0\x80")) == "\xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace agentry::tools
