#include <doctest/doctest.h>

#include "file_tools_fixture.hpp"

namespace agentry::tools {

using testing_support::FileToolsFixture;

TEST_CASE("edit_file replaces one exact match and shows the edited lines") {
  FileToolsFixture f;
  f.dir.write("src/lib.rs", "fn a() {\n    1\n}\nfn b() {\n    2\n}\n");
  auto out = f.call(
      "edit_file", {{"path", "src/lib.rs"}, {"old_string", "    2\n"}, {"new_string", "    20\n"}});
  CHECK_FALSE(out.is_error);
  CHECK(out.content ==
        "replaced 1 occurrence in `src/lib.rs`; lines 3-6 now read:\n3\t}\n4\tfn b() {\n"
        "5\t    20\n6\t}\n");
  CHECK(testing::read_file(f.dir.path() / "src/lib.rs") ==
        "fn a() {\n    1\n}\nfn b() {\n    20\n}\n");
}

TEST_CASE("edit_file fails clearly when the match is missing or not unique") {
  FileToolsFixture f;
  f.dir.write("src/lib.rs", "let x = 1;\nlet y = 1;\nlet z = 1;\n");
  auto many =
      f.call("edit_file", {{"path", "src/lib.rs"}, {"old_string", "= 1;"}, {"new_string", "= 2;"}});
  CHECK(many.is_error);
  CHECK(many.content ==
        "`old_string` occurs 3 times in `src/lib.rs` (at lines 1, 2, 3); include more of the "
        "surrounding lines "
        "to make it unique, or set replace_all to true");
  CHECK(many.details["matches"] == 3);
  auto none =
      f.call("edit_file", {{"path", "src/lib.rs"}, {"old_string", "let w"}, {"new_string", "x"}});
  CHECK(
      none.content ==
      "`old_string` was not found in `src/lib.rs`; read the file again and copy the text exactly");
  auto spaces = f.call(
      "edit_file", {{"path", "src/lib.rs"}, {"old_string", "let  x =  1;"}, {"new_string", "x"}});
  CHECK(spaces.content.find("it matches when whitespace is ignored") != std::string::npos);
  CHECK(testing::read_file(f.dir.path() / "src/lib.rs") == "let x = 1;\nlet y = 1;\nlet z = 1;\n");

  auto all = f.call("edit_file", {{"path", "src/lib.rs"},
                                  {"old_string", "= 1;"},
                                  {"new_string", "= 2;"},
                                  {"replace_all", true}});
  CHECK_FALSE(all.is_error);
  CHECK(all.details["replacements"] == 3);
  CHECK(testing::read_file(f.dir.path() / "src/lib.rs") == "let x = 2;\nlet y = 2;\nlet z = 2;\n");
}

TEST_CASE("edit_file refuses empty, identical and missing-file edits") {
  FileToolsFixture f;
  f.dir.write("a.rs", "x");
  CHECK(f.call("edit_file", {{"path", "a.rs"}, {"old_string", ""}, {"new_string", "y"}}).content ==
        "`old_string` is empty; to create or replace a whole file use write_file");
  CHECK(f.call("edit_file", {{"path", "a.rs"}, {"old_string", "x"}, {"new_string", "x"}}).content ==
        "`old_string` and `new_string` are identical; nothing would change");
  CHECK(f.call("edit_file", {{"path", "b.rs"}, {"old_string", "x"}, {"new_string", "y"}}).content ==
        "`b.rs` does not exist; use write_file to create it");
}

}  // namespace agentry::tools
