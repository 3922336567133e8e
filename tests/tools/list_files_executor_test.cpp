#include <doctest/doctest.h>

#include "file_tools_fixture.hpp"

namespace agentry::tools {

using testing_support::FileToolsFixture;

TEST_CASE("list_files prints a bounded tree and does not enter target/ or .git/") {
  FileToolsFixture f;
  f.dir.write("Cargo.toml", "");
  f.dir.write("src/lib.rs", "");
  f.dir.write("src/deep/er/x.rs", "");
  f.dir.write("target/debug/big", "");
  f.dir.write(".git/HEAD", "");
  auto out = f.call("list_files", nlohmann::json::object());
  CHECK(out.content ==
        "./\n  .git/ (not listed)\n  Cargo.toml\n  src/\n    deep/\n    lib.rs\n  target/ (not "
        "listed)\n");
  auto deeper = f.call("list_files", {{"path", "src"}, {"depth", 3}});
  CHECK(deeper.content == "src/\n  deep/\n    er/\n      x.rs\n  lib.rs\n");
  CHECK(f.call("list_files", {{"path", "src/lib.rs"}}).content ==
        "`src/lib.rs` is a file, not a folder; use read_file");
  CHECK(f.call("list_files", {{"path", ".."}}).is_error);
}

}  // namespace agentry::tools
