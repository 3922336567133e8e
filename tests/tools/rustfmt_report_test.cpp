#include "tools/rustfmt_report.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

namespace agentry::tools {

namespace {
std::string strip(const std::string& p) {
  return p.rfind("/ws/", 0) == 0 ? p.substr(4) : p;
}
}  // namespace

TEST_CASE("Diff in hunks are grouped per file, old and new header forms alike") {
  auto r = parse_rustfmt_check(
      "Diff in /ws/src/lib.rs:1:\n-fn a(){}\n+fn a() {}\nDiff in /ws/src/lib.rs:9:\n-x\n+y\n"
      "Diff in /ws/src/main.rs at line 3:\n-z\n+w\n",
      "", strip);
  REQUIRE(r.files.size() == 2);
  CHECK(r.files[0].file == "src/lib.rs");
  CHECK(r.files[0].hunks == 2);
  CHECK(r.files[0].diff == "@@ line 1 @@\n-fn a(){}\n+fn a() {}\n@@ line 9 @@\n-x\n+y\n");
  CHECK(r.files[1].file == "src/main.rs");
  CHECK(r.errors.empty());
}

TEST_CASE("parse errors come from stderr with paths made relative") {
  auto r = parse_rustfmt_check(
      "",
      "error: this file contains an unclosed delimiter\n --> /ws/src/bad.rs:1:18\n\n"
      "Error writing files: failed to resolve mod `bad`: cannot parse /ws/src/bad.rs\n",
      strip);
  CHECK(r.files.empty());
  CHECK(r.errors ==
        "error: this file contains an unclosed delimiter\n --> src/bad.rs:1:18\n\n"
        "Error writing files: failed to resolve mod `bad`: cannot parse src/bad.rs");
  CHECK(r.parse_error);
  CHECK(r.warnings.empty());
}

TEST_CASE("rustfmt's warnings are kept apart from its errors, each once") {
  // What rustfmt 1.9 prints for a deprecated and an unknown rustfmt.toml option, once per
  // target it formats; a rustc-style warning keeps its indented lines.
  const std::string deprecated =
      "Warning: the `fn_args_layout` option is deprecated. Use `fn_params_layout`. instead";
  auto r = parse_rustfmt_check(
      "",
      deprecated + "\nWarning: Unknown configuration option `bogus`\n" + deprecated +
          "\nwarning: unused doc comment\n --> /ws/src/lib.rs:3:1\n  |\n3 | /// x\n\n",
      strip);
  CHECK(r.errors.empty());
  CHECK_FALSE(r.parse_error);
  CHECK(r.warnings == std::vector<std::string>{
                          deprecated, "Warning: Unknown configuration option `bogus`",
                          "warning: unused doc comment\n --> src/lib.rs:3:1\n  |\n3 | /// x"});
}

TEST_CASE("only a rustc parser error with a location is a parse error") {
  auto parse = [](const std::string& err) { return parse_rustfmt_check("", err, strip); };
  CHECK(parse("error[E0585]: found a documentation comment that doesn't document anything\n"
              "  --> /ws/src/lib.rs:4:5\n   |\n12 |     /// x\n   |     ^^^^^\n   |\n"
              "   = help: doc comments must come before what they document\n")
            .parse_error);
  auto warned = parse(
      "Warning: the `x` option is deprecated\nerror: expected item, found `}`\n"
      " --> /ws/src/main.rs:9:1\n  |\n9 | }\n  | ^ expected item\n"
      "help: remove it\n");
  CHECK(warned.parse_error);
  CHECK(warned.warnings == std::vector<std::string>{"Warning: the `x` option is deprecated"});
  CHECK(warned.errors.starts_with("error: expected item, found `}`\n --> src/main.rs:9:1\n"));
  CHECK(warned.errors.ends_with("help: remove it"));
  for (const std::string err : {
           "Error writing files: failed to resolve mod `zz`: /ws/src/zz.rs does not exist\n",
           "The file `/ws/rustfmt.toml` failed to parse.\nError details: invalid type: string "
           "\"abc\", expected usize\nin `max_width`\n",
           "error[internal]: left behind trailing whitespace\n --> /ws/src/lib.rs:3:1\n",
           "`cargo metadata` exited with an error: error: key with no value, expected `=`\n"
           " --> Cargo.toml:7:8\n",
           "error: 'cargo-fmt' is not installed for the toolchain 'stable'\n",
       }) {
    CAPTURE(err);
    auto r = parse(err);
    CHECK_FALSE(r.parse_error);
    CHECK_FALSE(r.errors.empty());
    CHECK(r.warnings.empty());
  }
}

TEST_CASE("paths in stderr: up to the last .rs of a run, as the regex took them") {
  auto r = parse_rustfmt_check(
      "", "error: x\n --> /ws/a.rs.bak/ws/b.rs:1:2 `/ws/c.rs` /ws/d.rsx /.rs /ws/e.rs\n", strip);
  CHECK(r.errors.find(" --> a.rs.bak/ws/b.rs:1:2 `c.rs` d.rsx /.rs e.rs") != std::string::npos);
}

TEST_CASE("a megabyte run of text in stdout or stderr is read without recursion") {
  // std::regex recursed once per character here: such a run crashed agentry.
  const std::string run = std::string("/").append(1 << 20, 'a');
  auto r = parse_rustfmt_check(fmt::format("Diff in {}:3:\n-a\n+b\n", run),
                               fmt::format("error: x\n --> {} /ws/src/lib.rs:1:1\n", run), strip);
  REQUIRE(r.files.size() == 1);
  CHECK(r.files[0].file == run);
  CHECK(r.files[0].diff == "@@ line 3 @@\n-a\n+b\n");
  CHECK(r.errors.find(" src/lib.rs:1:1") != std::string::npos);
}

}  // namespace agentry::tools
