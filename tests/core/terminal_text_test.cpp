#include "core/terminal_text.hpp"

#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>

namespace agentry {

namespace {

struct Case {
  const char* what;
  std::string_view in;
  std::string_view out;       ///< terminal_safe
  std::string_view one_line;  ///< terminal_safe_line
};

// Written with explicit lengths where the input holds a NUL.
const std::vector<Case> kCases = {
    {"plain text", "hello, world", "hello, world", "hello, world"},
    {"UTF-8 letters, CJK and emoji", "café 日本 🦀", "café 日本 🦀", "café 日本 🦀"},
    {"newline and tab", "a\n\tb", "a\n\tb", "a\\n\\tb"},
    {"OSC 52 clipboard write, BEL", "x\x1b]52;c;cm0gLXJmIH4=\x07y", "xy", "xy"},
    {"OSC 52 clipboard write, ST", "x\x1b]52;c;cm0=\x1b\\y", "xy", "xy"},
    {"window title", "\x1b]0;pwned\x07ok", "ok", "ok"},
    {"clear screen and home", "\x1b[2J\x1b[Hclean", "clean", "clean"},
    {"cursor up and erase line", "a\x1b[1A\x1b[2Kb", "ab", "ab"},
    {"SGR colours", "\x1b[31mred\x1b[0m", "red", "red"},
    {"reset (ESC c) and charset (ESC ( B)",
     "\x1b"
     "c\x1b(Bok",
     "ok", "ok"},
    {"CR overwrite", "rm -rf ~\rsafe", "rm -rf ~\nsafe", "rm -rf ~\\rsafe"},
    {"CRLF is one line end", "a\r\nb", "a\nb", "a\\r\\nb"},
    {"backspace and bell in caret form", "ab\x08\x08xy\x07", "ab^H^Hxy^G", "ab^H^Hxy^G"},
    {"DEL", "a\x7f", "a^?", "a^?"},
    {"8-bit CSI as UTF-8 (U+009B)",
     "a\xc2\x9b"
     "2Jb",
     "ab", "ab"},
    {"8-bit OSC as UTF-8 (U+009D) to ST (U+009C)",
     "a\xc2\x9d"
     "0;t\xc2\x9c"
     "b",
     "ab", "ab"},
    {"other C1 controls",
     "a\xc2\x85\xc2\x8d"
     "b",
     "ab", "ab"},
    {"raw 8-bit CSI byte",
     "a\x9b"
     "2Jb",
     "a\xef\xbf\xbd"
     "2Jb",
     "a\xef\xbf\xbd"
     "2Jb"},
    {"bidi override (Trojan Source)",
     "ok\xe2\x80\xae"
     "cod\xe2\x80\xac",
     "okcod", "okcod"},
    {"bidi isolates",
     "\xe2\x81\xa6"
     "a\xe2\x81\xa9",
     "a", "a"},
    {"invalid UTF-8", "a\xff\xc0\xafz", "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz",
     "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz"},
    {"surrogate encoded in UTF-8", "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
    {"unterminated OSC swallows one line at most", "\x1b]52;c;AAAA\nnext", "\nnext", "\\nnext"},
    {"a lone ESC at the end", "text\x1b", "text", "text"},
    {"CSI cut short by a newline", "\x1b[12\nrest", "\nrest", "\\nrest"},
    {"NUL", std::string_view("a\0b", 3), "a^@b", "a^@b"},
};

}  // namespace

TEST_CASE("terminal_safe: escapes, controls and bidi are dropped or shown, text passes") {
  for (const auto& c : kCases) {
    CAPTURE(c.what);
    CHECK(terminal_safe(c.in) == c.out);
    CHECK(terminal_safe_line(c.in) == c.one_line);
  }
}

TEST_CASE("a stream cut anywhere reads as the whole text: sequences and characters span pieces") {
  for (const auto& c : kCases) {
    CAPTURE(c.what);
    for (std::size_t cut = 0; cut <= c.in.size(); ++cut) {
      CAPTURE(cut);
      TerminalTextFilter filter;
      std::string out = filter.feed(c.in.substr(0, cut));
      out += filter.feed(c.in.substr(cut));
      out += filter.finish();
      CHECK(out == c.out);
    }
  }
  // Byte by byte: a C1 CSI whose two bytes arrive apart is still not passed.
  TerminalTextFilter filter;
  std::string out;
  for (char c : std::string_view("\xc2\x9b"
                                 "31m\xe2\x80\xae"
                                 "x"))
    out += filter.feed(std::string_view(&c, 1));
  CHECK(out == "x");
}

TEST_CASE("finish ends a character cut short and forgets an open sequence") {
  TerminalTextFilter filter;
  CHECK(filter.feed("a\xe2\x80") == "a");
  CHECK(filter.finish() == "\xef\xbf\xbd");
  CHECK(filter.feed("\x1b]0;") == "");
  CHECK(filter.finish() == "");
  CHECK(filter.feed("title") == "title");
}

}  // namespace agentry
