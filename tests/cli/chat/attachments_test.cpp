#include "cli/chat/attachments.hpp"

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"

namespace agentry::cli::chat {

namespace fs = std::filesystem;

TEST_CASE("mentions are @words at the start or after whitespace") {
  CHECK(attachment_mentions("look at @src/lib.rs, and @\"my file.rs\" not a@b.c") ==
        std::vector<std::string>{"src/lib.rs,", "my file.rs"});
  CHECK(attachment_mentions("@a\n@b @").size() == 2);
}

TEST_CASE("a workspace file is appended to the message once, punctuation trimmed") {
  testing::TempDir dir;
  dir.write("src/lib.rs", "pub fn f() {}\n");
  dir.write("notes.txt", "no newline");
  auto ws = tools::Workspace::open(dir.path());
  REQUIRE(ws);
  auto out = attach_files("fix @src/lib.rs, see @notes.txt and @src/lib.rs.", *ws);
  CHECK(out.problems.empty());
  REQUIRE(out.files.size() == 2);
  CHECK(out.files[0].path == "src/lib.rs");
  CHECK(out.files[0].bytes == 14);
  CHECK(out.files[0].lines == 1);
  CHECK(out.files[1].path == "notes.txt");
  CHECK(out.text ==
        "fix @src/lib.rs, see @notes.txt and @src/lib.rs.\n\n"
        "<file path=\"src/lib.rs\">\npub fn f() {}\n</file>\n\n"
        "<file path=\"notes.txt\">\nno newline\n</file>");
}

TEST_CASE("attachments are confined to the workspace") {
  testing::TempDir outside;
  auto secret = outside.write("secret.txt", "s3cret");
  testing::TempDir dir;
  dir.write("ok.txt", "fine");
  fs::create_symlink(secret, dir.path() / "link.txt");
  auto ws = tools::Workspace::open(dir.path() / ".");
  REQUIRE(ws);
  std::string message = "@../" + outside.path().filename().string() + "/secret.txt @" +
                        secret.string() + " @link.txt @ok.txt";
  auto out = attach_files(message, *ws);
  REQUIRE(out.files.size() == 1);
  CHECK(out.files[0].path == "ok.txt");
  CHECK(out.problems.size() == 3);
  CHECK(out.text.find("s3cret") == std::string::npos);
  CHECK(out.text.ends_with("<file path=\"ok.txt\">\nfine\n</file>"));
}

TEST_CASE("folders, missing, binary and oversized files are refused with a reason") {
  testing::TempDir dir;
  dir.write("src/a.rs", "x");
  dir.write("bin.dat", std::string("a\0b", 3));
  dir.write("big.txt", std::string(100, 'x'));
  auto ws = tools::Workspace::open(dir.path());
  REQUIRE(ws);
  auto out = attach_files("@src @missing.rs @bin.dat @big.txt", *ws, 50);
  CHECK(out.files.empty());
  REQUIRE(out.problems.size() == 4);
  CHECK(out.problems[0] == "@src: is a folder; attach its files one by one");
  CHECK(out.problems[1] == "@missing.rs: no such file in the workspace");
  CHECK(out.problems[2] == "@bin.dat: is a binary file");
  CHECK(out.problems[3].starts_with("@big.txt: 100 bytes is more than the 50 bytes"));
  CHECK(out.text == "@src @missing.rs @bin.dat @big.txt");
}

TEST_CASE("path completion lists the prefix's folder inside the workspace only") {
  testing::TempDir dir;
  dir.write("src/lib.rs", "");
  dir.write("src/main.rs", "");
  dir.write(".hidden", "");
  dir.write("Cargo.toml", "");
  auto ws = tools::Workspace::open(dir.path());
  REQUIRE(ws);
  CHECK(complete_workspace_path(*ws, "") == std::vector<std::string>{"Cargo.toml", "src/"});
  CHECK(complete_workspace_path(*ws, "src/m") == std::vector<std::string>{"src/main.rs"});
  CHECK(complete_workspace_path(*ws, ".h") == std::vector<std::string>{".hidden"});
  CHECK(complete_workspace_path(*ws, "../").empty());
  CHECK(complete_workspace_path(*ws, "/").empty());
}

}  // namespace agentry::cli::chat
