#include "agents/text_cleanup.hpp"

#include <string>

#include <doctest/doctest.h>

namespace agentry::agents {

TEST_CASE("a UTF-8 byte-order mark is removed, nothing else") {
  std::string text = "\xEF\xBB\xBF---\n";
  CHECK(strip_bom(text));
  CHECK(text == "---\n");
  CHECK_FALSE(strip_bom(text));
  CHECK(text == "---\n");
}

TEST_CASE("CRLF and lone CR become LF, so line numbers stay the same") {
  std::string crlf = "a\r\nb\r\n\r\nc";
  normalise_line_endings(crlf);
  CHECK(crlf == "a\nb\n\nc");
  std::string cr = "a\rb\r\rc\r";
  normalise_line_endings(cr);
  CHECK(cr == "a\nb\n\nc\n");
  std::string mixed = "a\r\n\rb\n";
  normalise_line_endings(mixed);
  CHECK(mixed == "a\n\nb\n");
}

TEST_CASE("double-encoded UTF-8 is repaired and located") {
  std::string text = "line one\nsimple when it doesnâ€™t â€” “ok”\n";
  MojibakeRepair repair = repair_double_encoded_utf8(text);
  CHECK(text == "line one\nsimple when it doesn’t — “ok”\n");
  CHECK(repair.count == 2);
  CHECK(repair.first_line == 2);
  CHECK(repair.first_column == 21);
  CHECK(repair.first_from == "â€™");
  CHECK(repair.first_to == "’");
}

TEST_CASE("two-byte mojibake (Ã©) is repaired too") {
  std::string text = "cafÃ© crÃ¨me";
  CHECK(repair_double_encoded_utf8(text).count == 2);
  CHECK(text == "café crème");
}

TEST_CASE("ordinary accented and typographic text is left alone") {
  std::string text = "Ã alone, café, naïve, “quotes” — and Â then a letter";
  std::string before = text;
  MojibakeRepair repair = repair_double_encoded_utf8(text);
  CHECK(repair.count == 0);
  CHECK(text == before);
}

}  // namespace agentry::agents
