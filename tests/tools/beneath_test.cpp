// Opening below a directory descriptor: a symlink that leads out is never followed, with
// openat2 and with the component walk used where the kernel lacks it.
#include "tools/beneath.hpp"

#include <cerrno>
#include <fcntl.h>

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;

namespace {

struct Tree {
  testing::TempDir outside{"agentry-outside"};
  testing::TempDir dir{"agentry-ws"};
  UniqueFd root;
  Tree() {
    dir.write("src/lib.rs", "x\n");
    outside.write("secret.txt", "s\n");
    fs::create_directory_symlink(outside.path(), dir.path() / "out");
    fs::create_directory_symlink("src", dir.path() / "inside");
    root = UniqueFd(::open(dir.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    REQUIRE(root.valid());
  }
};

}  // namespace

TEST_CASE("open_beneath follows a symlink that stays inside and refuses one that leads out") {
  Tree t;
  CHECK(open_beneath(t.root.get(), "src/lib.rs", O_RDONLY).valid());
  CHECK(open_beneath(t.root.get(), "inside/lib.rs", O_RDONLY).valid());
  errno = 0;
  CHECK_FALSE(open_beneath(t.root.get(), "out/secret.txt", O_RDONLY).valid());
  CHECK((errno == EXDEV || errno == ELOOP));
  CHECK_FALSE(open_beneath(t.root.get(), "../x", O_RDONLY).valid());
  CHECK_FALSE(open_beneath(t.root.get(), t.outside.path() / "secret.txt", O_RDONLY).valid());
}

TEST_CASE("the component walk (kernels without openat2) follows no symlink at all") {
  Tree t;
  CHECK(open_beneath_by_walk(t.root.get(), "src/lib.rs", O_RDONLY).valid());
  errno = 0;
  CHECK_FALSE(open_beneath_by_walk(t.root.get(), "out/secret.txt", O_RDONLY).valid());
  CHECK(errno == ELOOP);
  errno = 0;
  CHECK_FALSE(open_beneath_by_walk(t.root.get(), "inside/lib.rs", O_RDONLY).valid());
  CHECK(errno == ELOOP);
  CHECK_FALSE(open_beneath_by_walk(t.root.get(), "src/../../x", O_RDONLY).valid());
  fs::create_symlink(t.outside.path() / "secret.txt", t.dir.path() / "link.txt");
  CHECK_FALSE(open_beneath_by_walk(t.root.get(), "link.txt", O_RDONLY).valid());
}

TEST_CASE("open_directory_beneath makes missing folders, but never through a link out") {
  Tree t;
  auto made = open_directory_beneath(t.root.get(), "a/b/c", true);
  CHECK(made.valid());
  CHECK(fs::is_directory(t.dir.path() / "a" / "b" / "c"));
  CHECK(descriptor_path(made.get()) == fs::canonical(t.dir.path() / "a" / "b" / "c"));
  CHECK_FALSE(open_directory_beneath(t.root.get(), "out/new", true).valid());
  CHECK_FALSE(fs::exists(t.outside.path() / "new"));
  CHECK_FALSE(open_directory_beneath(t.root.get(), "missing", false).valid());
}

}  // namespace agentry::tools
