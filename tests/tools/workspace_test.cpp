#include "tools/workspace.hpp"

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;

namespace {

struct WorkspaceFixture {
  testing::TempDir outside{"agentry-outside"};
  testing::TempDir dir{"agentry-ws"};
  fs::path root = dir.path() / "ws";
  Workspace ws = [&] {
    fs::create_directories(root / "src");
    dir.write("ws/src/lib.rs", "pub fn x() {}\n");
    outside.write("secret.txt", "do not read\n");
    return *Workspace::open(root);
  }();
};

std::string refusal(const Workspace& ws, std::string_view path) {
  auto r = ws.resolve(path);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kPermission);
  return r.error().message;
}

}  // namespace

TEST_CASE("paths inside the workspace resolve to their real location") {
  WorkspaceFixture f;
  CHECK(*f.ws.resolve("src/lib.rs") == f.root / "src/lib.rs");
  CHECK(*f.ws.resolve("./src/../src/lib.rs") == f.root / "src/lib.rs");
  CHECK(*f.ws.resolve(".") == f.root);
  CHECK(*f.ws.resolve("src/") == f.root / "src");
  CHECK(*f.ws.resolve("new/dir/file.rs") == f.root / "new/dir/file.rs");
  CHECK(*f.ws.resolve((f.root / "src/lib.rs").string()) == f.root / "src/lib.rs");
  CHECK(f.ws.display(f.root / "src/lib.rs") == "src/lib.rs");
  CHECK(f.ws.display(f.root) == ".");
}

TEST_CASE("`..` that leaves the workspace is refused") {
  WorkspaceFixture f;
  CHECK(refusal(f.ws, "../secret.txt") == "`../secret.txt` climbs out of the workspace with `..`");
  CHECK(refusal(f.ws, "src/../../x") == "`src/../../x` climbs out of the workspace with `..`");
  CHECK(refusal(f.ws, "../../../../../../etc/passwd") ==
        "`../../../../../../etc/passwd` climbs out of the workspace with `..`");
  auto r = f.ws.resolve("../secret.txt");
  CHECK(r.error().hint == "use a path inside the workspace, relative to its root");
}

TEST_CASE("absolute paths outside the workspace are refused") {
  WorkspaceFixture f;
  CHECK(refusal(f.ws, "/etc/passwd") ==
        "`/etc/passwd` is outside the workspace " + f.root.string());
  std::string sibling = (f.dir.path() / "ws-other/x").string();  // shares the prefix "ws"
  CHECK(refusal(f.ws, sibling) == "`" + sibling + "` is outside the workspace " + f.root.string());
}

TEST_CASE("symlinks that lead out are refused, even dangling ones") {
  WorkspaceFixture f;
  fs::create_symlink(f.outside.path() / "secret.txt", f.root / "link");
  fs::create_directory_symlink(f.outside.path(), f.root / "dirlink");
  fs::create_symlink(f.outside.path() / "not-yet", f.root / "dangling");
  fs::create_symlink("../../", f.root / "src/up");
  CHECK(refusal(f.ws, "link") ==
        "`link` leads outside the workspace through the symlink `link` (to " +
            (f.outside.path() / "secret.txt").string() + ")");
  CHECK(refusal(f.ws, "dirlink/secret.txt").find("through the symlink `dirlink`") !=
        std::string::npos);
  CHECK(refusal(f.ws, "dangling").find("through the symlink `dangling`") != std::string::npos);
  CHECK(refusal(f.ws, "src/up/x").find("through the symlink `src/up`") != std::string::npos);
}

TEST_CASE("symlinks that stay inside are followed") {
  WorkspaceFixture f;
  fs::create_symlink("src/lib.rs", f.root / "alias.rs");
  fs::create_directory_symlink(f.root / "src", f.root / "code");
  CHECK(*f.ws.resolve("alias.rs") == f.root / "src/lib.rs");
  CHECK(*f.ws.resolve("code/lib.rs") == f.root / "src/lib.rs");
}

TEST_CASE("symlink loops are refused") {
  WorkspaceFixture f;
  fs::create_symlink("b", f.root / "a");
  fs::create_symlink("a", f.root / "b");
  fs::create_symlink("self", f.root / "self");
  CHECK(refusal(f.ws, "a") == "`a` is a symlink loop (more than 40 links followed)");
  CHECK(refusal(f.ws, "self/x") == "`self/x` is a symlink loop (more than 40 links followed)");
}

TEST_CASE("empty paths and a missing root are errors") {
  WorkspaceFixture f;
  CHECK(refusal(f.ws, "") == "the path is empty");
  auto missing = Workspace::open(f.root / "nope");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::kIo);
}

}  // namespace agentry::tools
