#include "tools/text_diff.hpp"

#include <doctest/doctest.h>

namespace agentry::tools {

TEST_CASE("a unified diff with context") {
  CHECK(unified_diff("a\nb\nc\n", "a\nB\nc\n", "f.rs") ==
        "--- f.rs\n+++ f.rs\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
  CHECK(unified_diff("same\n", "same\n", "f").empty());
  CHECK(unified_diff("", "new\n", "n.rs") == "--- n.rs\n+++ n.rs\n@@ -0,0 +1,1 @@\n+new\n");
}

TEST_CASE("distant changes make separate hunks") {
  std::string before;
  for (int i = 1; i <= 20; ++i)
    before += std::to_string(i) + "\n";
  std::string after = before;
  after.replace(after.find("2\n"), 2, "two\n");
  after.replace(after.find("19\n"), 3, "nineteen\n");
  auto d = unified_diff(before, after, "n");
  CHECK(d ==
        "--- n\n+++ n\n@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n@@ -16,5 +16,5 @@\n 16\n 17\n "
        "18\n-19\n+nineteen\n 20\n");
}

}  // namespace agentry::tools
