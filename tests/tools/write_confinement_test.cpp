// What rustfmt apply and clippy_fix may write: rustc's dep-info read from cargo's JSON, and
// the check that refuses a file outside the workspace or in a settings folder.
#include "tools/write_confinement.hpp"

#include <set>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "support/temp_dir.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;

TEST_CASE("compiled_sources reads the dep-info of local artifacts, escaped spaces included") {
  testing::TempDir dir("agentry-target");
  dir.write("deps/demo-abc.d",
            "/t/deps/libdemo-abc.rmeta: src/lib.rs /out/my\\ evil.rs\n\nsrc/lib.rs:\n"
            "/out/my\\ evil.rs:\n\n# env-dep:CARGO_PKG_NAME=demo\n");
  auto artifact = [&](const std::string& id, const fs::path& file) {
    return nlohmann::json({{"reason", "compiler-artifact"},
                           {"package_id", id},
                           {"filenames", {file.string()}}})
        .dump();
  };
  std::string json =
      artifact("path+file:///ws#demo@0.1.0", dir.path() / "deps/libdemo-abc.rmeta") + "\n" +
      artifact("registry+https://github.com/rust-lang/crates.io-index#dep@1.0.0",
               dir.path() / "deps/libdep-x.rmeta") +
      "\n" + artifact("path+file:///ws#gone@0.1.0", dir.path() / "deps/libgone-y.rmeta") +
      "\nnot json\n";
  auto sources = compiled_sources(json);
  CHECK(std::set<fs::path>(sources.files.begin(), sources.files.end()) ==
        std::set<fs::path>{"/out/my evil.rs", "src/lib.rs"});
  CHECK(sources.unreadable == std::vector<fs::path>{dir.path() / "deps/gone-y.d"});
}

TEST_CASE("confinement_problem names a file outside, through a symlink, or in .git") {
  testing::TempDir outside("agentry-outside");
  testing::TempDir dir("agentry-ws");
  outside.write("evil.rs", "x");
  dir.write("src/lib.rs", "x");
  dir.write(".git/hook.rs", "x");
  dir.write("target/debug/build/out.rs", "x");
  fs::create_symlink(outside.path() / "evil.rs", dir.path() / "src" / "linked.rs");
  auto ws = Workspace::open(dir.path());
  REQUIRE(ws);
  std::vector<fs::path> generated = {dir.path() / "target"};
  CHECK_FALSE(
      confinement_problem(*ws, {"src/lib.rs", "target/debug/build/out.rs"}, dir.path(), generated));
  auto out = confinement_problem(*ws, {"src/lib.rs", outside.path() / "evil.rs"}, dir.path(), {});
  REQUIRE(out);
  CHECK(out->find("outside the workspace") != std::string::npos);
  auto linked = confinement_problem(*ws, {"src/linked.rs"}, dir.path(), {});
  REQUIRE(linked);
  CHECK(linked->find("(through `src/linked.rs`)") != std::string::npos);
  auto git = confinement_problem(*ws, {"src/../.GIT/../.git/hook.rs"}, dir.path(), {});
  REQUIRE(git);
  CHECK(git->find("`.git/hook.rs`") != std::string::npos);
  CHECK(git->find("settings folder") != std::string::npos);
}

}  // namespace agentry::tools
