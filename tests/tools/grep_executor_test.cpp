#include <doctest/doctest.h>

#include "file_tools_fixture.hpp"

namespace agentry::tools {

using testing_support::FileToolsFixture;

TEST_CASE("grep prints path:line:text for RE2 matches, filtered by glob") {
  FileToolsFixture f;
  f.dir.write("src/lib.rs", "fn alpha() {}\nfn beta() {}\n");
  f.dir.write("src/x/mod.rs", "// alpha\n");
  f.dir.write("README.md", "alpha\n");
  f.dir.write("target/x.rs", "fn alpha() {}\n");
  CHECK(f.call("grep", {{"pattern", "alpha"}, {"glob", "*.rs"}}).content ==
        "src/lib.rs:1:fn alpha() {}\nsrc/x/mod.rs:1:// alpha\n");
  CHECK(f.call("grep", {{"pattern", R"(^fn \w+\(\))"}, {"path", "src/lib.rs"}}).content ==
        "src/lib.rs:1:fn alpha() {}\nsrc/lib.rs:2:fn beta() {}\n");
  CHECK(f.call("grep", {{"pattern", "gamma"}}).content == "no matches for `gamma` in `.`");
}

TEST_CASE("grep is bounded and explains bad patterns") {
  FileToolsFixture f;
  std::string many;
  for (int i = 0; i < 500; ++i)
    many += "hit\n";
  f.dir.write("a.txt", many);
  auto out = f.call("grep", {{"pattern", "hit"}});
  CHECK(out.details["matches"] == 500);
  CHECK(out.content.ends_with(
      "[200 of 500 matches shown, in 1 files; narrow the pattern, path or glob]\n"));
  auto bad = f.call("grep", {{"pattern", "(a"}});
  CHECK(bad.is_error);
  CHECK(bad.content.starts_with("`pattern` is not a valid RE2 regular expression: missing ): (a"));
  CHECK(f.call("grep", {{"pattern", "(?=x)"}}).is_error);
}

}  // namespace agentry::tools
