#include "agents/front_matter.hpp"

#include <doctest/doctest.h>

namespace agentry::agents {

TEST_CASE("the block between the fences is the YAML, the rest is the body") {
  auto fm = split_front_matter("---\nname: a\n---\n\nBody\n---\nmore\n", "a.md");
  REQUIRE(fm);
  CHECK(fm->yaml == "name: a\n");
  CHECK(fm->body == "\nBody\n---\nmore\n");
  CHECK(fm->yaml_first_line == 2);
  CHECK(fm->body_first_line == 4);
}

TEST_CASE("fences may carry trailing blanks, and the closing one may end the file") {
  auto fm = split_front_matter("--- \t\nname: a\n---  ", "a.md");
  REQUIRE(fm);
  CHECK(fm->yaml == "name: a\n");
  CHECK(fm->body.empty());
}

TEST_CASE("an empty block is fine") {
  auto fm = split_front_matter("---\n---\nBody", "a.md");
  REQUIRE(fm);
  CHECK(fm->yaml.empty());
  CHECK(fm->body == "Body");
}

TEST_CASE("errors say where and why") {
  auto check_error = [](std::string_view text, int line, int column, std::string_view start) {
    auto fm = split_front_matter(text, "x.md");
    REQUIRE_FALSE(fm);
    CHECK(fm.error().severity == Severity::kError);
    CHECK(fm.error().file == "x.md");
    CHECK(fm.error().line == line);
    CHECK(fm.error().column == column);
    CHECK(fm.error().message.rfind(start, 0) == 0);
  };
  check_error("", 1, 1, "empty file");
  check_error(" \n\t\n", 1, 1, "empty file");
  check_error("# Title\n", 1, 1, "no front-matter");
  check_error("---", 1, 1, "unterminated front-matter");
  check_error("---\nname: a\n", 1, 1, "unterminated front-matter");
  check_error("---\nname: a\n    ---\nbody\n", 3, 5, "indented fence: the closing");
  check_error("\t---\nname: a\n---\n", 1, 2, "indented fence: the opening");
  check_error("----\nname: a\n---\n", 1, 1, "no front-matter");
}

TEST_CASE("an indented --- inside the block is YAML's business when a real fence follows") {
  auto fm = split_front_matter("---\ndescription: |\n  ---\n---\nBody\n", "a.md");
  REQUIRE(fm);
  CHECK(fm->yaml == "description: |\n  ---\n");
  CHECK(fm->body == "Body\n");
}

TEST_CASE("no front-matter mentions a fence found further down") {
  auto fm = split_front_matter("\n\n---\nname: a\n---\n", "a.md");
  REQUIRE_FALSE(fm);
  CHECK(fm.error().message ==
        "no front-matter: the file must start with a '---' line (found '---' on line 3; move it "
        "to line 1)");
}

}  // namespace agentry::agents
