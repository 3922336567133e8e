#include "tools/rustfmt_report.hpp"

#include <doctest/doctest.h>

namespace agentry::tools {

namespace {
std::string strip(const std::string& p) {
  return p.rfind("/ws/", 0) == 0 ? p.substr(4) : p;
}
}  // namespace

TEST_CASE("Diff in hunks are grouped per file, old and new header forms alike") {
  auto r = parse_rustfmt_check(
      "Diff in /ws/src/lib.rs:1:\n-fn a(){}\n+fn a() {}\nDiff in /ws/src/lib.rs:9:\n-x\n+y\n"
      "Diff in /ws/src/main.rs at line 3:\n-z\n+w\n",
      "", strip);
  REQUIRE(r.files.size() == 2);
  CHECK(r.files[0].file == "src/lib.rs");
  CHECK(r.files[0].hunks == 2);
  CHECK(r.files[0].diff == "@@ line 1 @@\n-fn a(){}\n+fn a() {}\n@@ line 9 @@\n-x\n+y\n");
  CHECK(r.files[1].file == "src/main.rs");
  CHECK(r.errors.empty());
}

TEST_CASE("parse errors come from stderr with paths made relative") {
  auto r = parse_rustfmt_check(
      "",
      "error: this file contains an unclosed delimiter\n --> /ws/src/bad.rs:1:18\n\n"
      "Error writing files: failed to resolve mod `bad`: cannot parse /ws/src/bad.rs\n",
      strip);
  CHECK(r.files.empty());
  CHECK(r.errors ==
        "error: this file contains an unclosed delimiter\n --> src/bad.rs:1:18\n\n"
        "Error writing files: failed to resolve mod `bad`: cannot parse src/bad.rs");
}

}  // namespace agentry::tools
