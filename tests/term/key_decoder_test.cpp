#include "term/key_decoder.hpp"

#include <doctest/doctest.h>

namespace agentry::term {

namespace {

std::vector<KeyCode> codes(const std::vector<Key>& keys) {
  std::vector<KeyCode> out;
  for (const auto& k : keys)
    out.push_back(k.code);
  return out;
}

}  // namespace

TEST_CASE("text, control keys and Enter") {
  KeyDecoder d;
  auto keys = d.feed("hé\x7f\r\x03\x04");
  REQUIRE(keys.size() == 5);
  CHECK(keys[0] == Key{KeyCode::kText, "hé"});
  CHECK(codes({keys.begin() + 1, keys.end()}) ==
        std::vector<KeyCode>{KeyCode::kBackspace, KeyCode::kEnter, KeyCode::kInterrupt,
                             KeyCode::kEof});
}

TEST_CASE("escape sequences: arrows, home/end, delete, ctrl-arrows, alt keys") {
  KeyDecoder d;
  auto keys = d.feed(
      "\x1b[A\x1b[B\x1b[C\x1b[D\x1b[H\x1b[F\x1bOH\x1b[3~\x1b[1;5C\x1b[1;5D\x1b"
      "b\x1b\x7f");
  CHECK(codes(keys) == std::vector<KeyCode>{KeyCode::kUp, KeyCode::kDown, KeyCode::kRight,
                                            KeyCode::kLeft, KeyCode::kHome, KeyCode::kEnd,
                                            KeyCode::kHome, KeyCode::kDelete, KeyCode::kWordRight,
                                            KeyCode::kWordLeft, KeyCode::kWordLeft,
                                            KeyCode::kKillWord});
}

TEST_CASE("Alt-Enter and Shift-Enter forms are a newline, not a submit") {
  KeyDecoder d;
  CHECK(codes(d.feed("\x1b\r")) == std::vector<KeyCode>{KeyCode::kNewline});
  CHECK(codes(d.feed("\x1b[13;2u")) == std::vector<KeyCode>{KeyCode::kNewline});
  CHECK(codes(d.feed("\x1b[27;2;13~")) == std::vector<KeyCode>{KeyCode::kNewline});
}

TEST_CASE("sequences and characters split across reads wait for the rest") {
  KeyDecoder d;
  CHECK(d.feed("\x1b").empty());
  CHECK(d.pending());
  CHECK(d.feed("[").empty());
  CHECK(codes(d.feed("A")) == std::vector<KeyCode>{KeyCode::kUp});
  CHECK(d.feed("\xE6\x97").empty());
  CHECK(d.feed("\xA5") == std::vector<Key>{{KeyCode::kText, "日"}});
  CHECK_FALSE(d.pending());
}

TEST_CASE("a lone ESC is a key once the editor stops waiting") {
  KeyDecoder d;
  CHECK(d.feed("\x1b").empty());
  CHECK(codes(d.flush()) == std::vector<KeyCode>{KeyCode::kEscape});
  CHECK_FALSE(d.pending());
}

TEST_CASE("bracketed paste arrives whole, newlines normalised, even across reads") {
  KeyDecoder d;
  CHECK(d.feed("\x1b[200~line one\r\nline").empty());
  CHECK_FALSE(d.pending());
  CHECK(d.feed(" two\rthree\x1b[20").empty());
  auto keys = d.feed("1~x");
  REQUIRE(keys.size() == 2);
  CHECK(keys[0] == Key{KeyCode::kPaste, "line one\nline two\nthree"});
  CHECK(keys[1] == Key{KeyCode::kText, "x"});
}

TEST_CASE("control characters inside a paste are kept for the paste to filter") {
  KeyDecoder d;
  auto keys = d.feed(
      "\x1b[200~a\x03"
      "b\x1b[201~");
  REQUIRE(keys.size() == 1);
  CHECK(keys[0] == Key{KeyCode::kPaste,
                       "a\x03"
                       "b"});
}

}  // namespace agentry::term
