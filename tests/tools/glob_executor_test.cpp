#include <doctest/doctest.h>

#include "file_tools_fixture.hpp"

namespace agentry::tools {

using testing_support::FileToolsFixture;

TEST_CASE("glob finds files by pattern, sorted, skipping target/") {
  FileToolsFixture f;
  f.dir.write("Cargo.toml", "");
  f.dir.write("src/lib.rs", "");
  f.dir.write("src/a/mod.rs", "");
  f.dir.write("target/debug/build.rs", "");
  CHECK(f.call("glob", {{"pattern", "**/*.rs"}}).content == "src/a/mod.rs\nsrc/lib.rs\n");
  CHECK(f.call("glob", {{"pattern", "*.rs"}, {"path", "src"}}).content == "src/lib.rs\n");
  CHECK(f.call("glob", {{"pattern", "*.{toml,md}"}}).content == "Cargo.toml\n");
  CHECK(f.call("glob", {{"pattern", "*.py"}}).content == "no files match `*.py` under `.`");
  CHECK(f.call("glob", {{"pattern", "../*"}}).is_error);
}

}  // namespace agentry::tools
