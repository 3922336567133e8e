#include "tools/glob_match.hpp"

#include <doctest/doctest.h>

namespace agentry::tools {

TEST_CASE("* and ? stay within one segment") {
  CHECK(glob_match("*.rs", "lib.rs"));
  CHECK_FALSE(glob_match("*.rs", "src/lib.rs"));
  CHECK(glob_match("src/?ib.rs", "src/lib.rs"));
  CHECK_FALSE(glob_match("src/?", "src/ab"));
}

TEST_CASE("** spans folders, including none") {
  CHECK(glob_match("**/*.rs", "lib.rs"));
  CHECK(glob_match("**/*.rs", "src/a/b/lib.rs"));
  CHECK(glob_match("src/**/mod.rs", "src/mod.rs"));
  CHECK(glob_match("src/**/mod.rs", "src/x/y/mod.rs"));
  CHECK_FALSE(glob_match("src/**/mod.rs", "tests/mod.rs"));
  CHECK(glob_match("cargo test*", "cargo test"));
}

TEST_CASE("classes and braces") {
  CHECK(glob_match("[ab].rs", "a.rs"));
  CHECK_FALSE(glob_match("[!ab].rs", "a.rs"));
  CHECK(glob_match("[a-c]x", "bx"));
  CHECK(glob_match("*.{rs,toml}", "Cargo.toml"));
  CHECK(glob_match("{src,tests}/**/*.rs", "tests/it.rs"));
  CHECK(expand_braces("a{b,c{d,e}}f") == std::vector<std::string>{"abf", "acdf", "acef"});
}

}  // namespace agentry::tools
