#include <doctest/doctest.h>

#include "file_tools_fixture.hpp"

namespace agentry::tools {

using testing_support::FileToolsFixture;

TEST_CASE("read_file numbers lines like cat -n and pages with offset/limit") {
  FileToolsFixture f;
  f.dir.write("src/lib.rs", "fn a() {}\nfn b() {}\nfn c() {}\n");
  auto all = f.call("read_file", {{"path", "src/lib.rs"}});
  CHECK_FALSE(all.is_error);
  CHECK(all.content == "1\tfn a() {}\n2\tfn b() {}\n3\tfn c() {}\n");
  auto window = f.call("read_file", {{"path", "src/lib.rs"}, {"offset", 2}, {"limit", 1}});
  CHECK(window.content == "2\tfn b() {}\n[lines 2-2 of 3; continue with offset=3]");
  CHECK(window.details["total_lines"] == 3);
  auto past = f.call("read_file", {{"path", "src/lib.rs"}, {"offset", 9}});
  CHECK(past.is_error);
  CHECK(past.content == "offset 9 is past the end: `src/lib.rs` has 3 lines");
}

TEST_CASE("read_file explains missing files, folders, binaries and escapes") {
  FileToolsFixture f;
  f.dir.write("src/lib.rs", "x\n");
  f.dir.write("src/main.rs", "y\n");
  f.dir.write("blob.bin", std::string("\x7f"
                                      "ELF\0\0",
                                      6));
  auto missing = f.call("read_file", {{"path", "src/lob.rs"}});
  CHECK(missing.is_error);
  CHECK(missing.content == "`src/lob.rs` does not exist; `src` holds: lib.rs, main.rs");
  CHECK(f.call("read_file", {{"path", "src"}}).content ==
        "`src` is a directory; use list_files to see what it holds");
  CHECK(f.call("read_file", {{"path", "blob.bin"}}).content ==
        "`blob.bin` is a binary file (6 bytes); it is not shown");
  auto escape = f.call("read_file", {{"path", "../../etc/passwd"}});
  CHECK(escape.is_error);
  CHECK(escape.content == "`../../etc/passwd` climbs out of the workspace with `..`");
  CHECK(f.call("read_file", {{"path", "/etc/passwd"}}).is_error);
}

TEST_CASE("read_file stays within its output cap and says where to continue") {
  FileToolsFixture f;
  std::string big;
  for (int i = 0; i < 20000; ++i)
    big += "let value_" + std::to_string(i) + " = compute(" + std::to_string(i) + ");\n";
  f.dir.write("big.rs", big);
  auto out = f.call("read_file", {{"path", "big.rs"}, {"limit", 20000}});
  CHECK(out.content.size() <= 131072);
  CHECK(out.content.find("continue with offset=") != std::string::npos);
  CHECK(out.details["total_lines"] == 20000);
}

}  // namespace agentry::tools
