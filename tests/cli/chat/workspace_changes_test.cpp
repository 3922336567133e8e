#include "cli/chat/workspace_changes.hpp"

#include <doctest/doctest.h>

#include "core/build_paths.hpp"
#include "support/temp_dir.hpp"

namespace agentry::cli::chat {

namespace fs = std::filesystem;

namespace {

fs::path tools_dir() {
  return fs::path(AGENTRY_SOURCE_DIR) / "tools";
}

Environment path_only() {
  return Environment({{"PATH", "/usr/bin:/bin"}, {"HOME", "/nonexistent"}});
}

}  // namespace

TEST_CASE("outside git: files are copied before writing tools run, and diffed after") {
  testing::TempDir dir;
  dir.write("src/lib.rs", "fn a() {}\n");
  dir.write("src/main.rs", "fn main() {}\n");
  dir.write("target/debug/x.rs", "ignored\n");
  tools::PosixProcessRunner runner;
  WorkspaceChanges changes(fs::canonical(dir.path()), tools_dir(), runner, path_only());
  REQUIRE_FALSE(changes.uses_git());

  changes.before_tool({"1", "read_file", {{"path", "src/lib.rs"}}, ""});
  CHECK(changes.snapshotted().empty());  // reading changes nothing
  changes.before_tool(
      {"2", "edit_file", {{"path", "src/lib.rs"}, {"old_string", "a"}, {"new_string", "b"}}, ""});
  changes.before_tool({"3", "write_file", {{"path", "new.rs"}, {"content", "x"}}, ""});
  CHECK(changes.snapshotted() == std::vector<std::string>{"new.rs", "src/lib.rs"});
  changes.before_tool({"4", "rustfmt", {{"mode", "check"}}, ""});
  CHECK(changes.snapshotted().size() == 2);
  changes.before_tool({"5", "rustfmt", {{"mode", "apply"}}, ""});
  CHECK(changes.snapshotted() == std::vector<std::string>{"new.rs", "src/lib.rs", "src/main.rs"});

  dir.write("src/lib.rs", "fn b() {}\n");
  dir.write("new.rs", "x\n");
  auto diff = changes.diff({});
  CHECK(diff.find("-fn a() {}\n+fn b() {}") != std::string::npos);
  CHECK(diff.find("+x") != std::string::npos);
  CHECK(diff.find("main.rs") == std::string::npos);  // unchanged
}

TEST_CASE("in a git work tree: git diff, with files git does not track yet") {
  testing::TempDir dir;
  auto root = fs::canonical(dir.path());
  tools::PosixProcessRunner runner;
  auto git = [&](std::vector<std::string> args) {
    tools::ProcessRequest r;
    r.argv = {"git", "-c", "user.name=t", "-c", "user.email=t@example.org"};
    r.argv.insert(r.argv.end(), args.begin(), args.end());
    r.cwd = root;
    r.environment = path_only();
    auto res = runner.run(r, {});
    REQUIRE(res);
    REQUIRE(res->succeeded());
  };
  dir.write("lib.rs", "old\n");
  git({"init", "-q"});
  git({"add", "lib.rs"});
  git({"commit", "-q", "-m", "start"});
  WorkspaceChanges changes(root, tools_dir(), runner, path_only());
  REQUIRE(changes.uses_git());
  CHECK(changes.diff({}) == "");
  dir.write("lib.rs", "new\n");
  dir.write("added.rs", "fresh\n");
  auto diff = changes.diff({});
  CHECK(diff.find("-old\n+new") != std::string::npos);
  CHECK(diff.find("+fresh") != std::string::npos);
}

}  // namespace agentry::cli::chat
