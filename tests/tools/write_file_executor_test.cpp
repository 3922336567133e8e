#include <sys/stat.h>

#include <doctest/doctest.h>

#include "file_tools_fixture.hpp"

namespace agentry::tools {

using testing_support::FileToolsFixture;

TEST_CASE("write_file creates files and folders, then replaces them keeping the mode") {
  FileToolsFixture f;
  auto created = f.call("write_file", {{"path", "src/new/mod.rs"}, {"content", "a\nb\n"}});
  CHECK_FALSE(created.is_error);
  CHECK(created.content == "created `src/new/mod.rs`: 2 lines (4 bytes)");
  CHECK(testing::read_file(f.dir.path() / "src/new/mod.rs") == "a\nb\n");
  ::chmod((f.dir.path() / "src/new/mod.rs").c_str(), 0755);
  auto replaced = f.call("write_file", {{"path", "src/new/mod.rs"}, {"content", "c"}});
  CHECK(replaced.content == "replaced `src/new/mod.rs`: 2 lines before, 1 lines (1 bytes) now");
  CHECK(testing::read_file(f.dir.path() / "src/new/mod.rs") == "c");
  struct stat st {};
  ::stat((f.dir.path() / "src/new/mod.rs").c_str(), &st);
  CHECK((st.st_mode & 0777) == 0755);
  CHECK(created.details["created"] == true);
  CHECK(replaced.details["created"] == false);
}

TEST_CASE("write_file never writes outside the workspace, not even through a dangling symlink") {
  FileToolsFixture f;
  testing::TempDir outside("agentry-outside");
  std::filesystem::create_symlink(outside.path() / "planted.rs", f.dir.path() / "link.rs");
  auto out = f.call("write_file", {{"path", "link.rs"}, {"content", "x"}});
  CHECK(out.is_error);
  CHECK(out.content.find("leads outside the workspace through the symlink `link.rs`") !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(outside.path() / "planted.rs"));
  CHECK(f.call("write_file", {{"path", "../x.rs"}, {"content", "x"}}).is_error);
  CHECK(f.call("write_file", {{"path", "."}, {"content", "x"}}).content ==
        "`.` is a directory; give a file path");
}

}  // namespace agentry::tools
