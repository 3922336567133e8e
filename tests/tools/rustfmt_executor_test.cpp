// rustfmt against the real rustfmt: check reports files and diff, apply formats, and a parse
// error is told apart from "needs formatting".
#include <fstream>

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"
#include "tool_test_support.hpp"

namespace agentry::tools {

TEST_CASE("rustfmt check, apply, and a parse error") {
  testing::TempDir dir("agentry-cargo");
  PosixProcessRunner runner;
  auto registry = testing_support::registry_with(runner, testing_support::services_with(runner));
  auto crate = testing_support::copy_crate("unformatted", dir.path());
  ToolContext context{crate, {}};
  Tool* rustfmt = registry.find("rustfmt");

  auto check = rustfmt->run({{"mode", "check"}}, context);
  REQUIRE(check);
  CHECK(check->is_error);
  CHECK(check->details["parse_error"] == false);
  CHECK(check->details["files"] == nlohmann::json::array({{{"file", "src/lib.rs"}, {"hunks", 2}}}));
  CHECK(check->content.starts_with(
      "rustfmt check: 1 file needs formatting (rustfmt with mode apply fixes this): src/lib.rs\n"
      "--- src/lib.rs\n@@ line 1 @@\n-pub fn add(a: i32,b: i32)->i32{ a+b }\n+pub fn add(a: i32, "
      "b: i32) -> i32 {\n"));
  CHECK(testing::read_file(crate / "src/lib.rs")
            .starts_with("pub fn add(a: i32,b: i32)->i32{ a+b }"));

  auto apply = rustfmt->run({{"mode", "apply"}}, context);
  REQUIRE(apply);
  CHECK_FALSE(apply->is_error);
  CHECK(apply->content.starts_with("rustfmt apply: formatted 1 file: src/lib.rs\n"));
  CHECK(testing::read_file(crate / "src/lib.rs")
            .starts_with("pub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n"));
  auto clean = rustfmt->run(nlohmann::json::object(), context);
  REQUIRE(clean);
  CHECK_FALSE(clean->is_error);
  CHECK(clean->content == "rustfmt check: ok, every file is formatted\n");

  std::ofstream(crate / "src/bad.rs") << "pub fn broken( {\n";
  std::ofstream(crate / "src/lib.rs", std::ios::app) << "mod bad;\n";
  auto broken = rustfmt->run({{"mode", "check"}}, context);
  REQUIRE(broken);
  CHECK(broken->is_error);
  CHECK(broken->details["parse_error"] == true);
  CHECK(broken->content.starts_with(
      "rustfmt check: rustfmt could not parse the code (a syntax error, not a "
      "formatting issue); fix it, then format again:\n"
      "error: this file contains an unclosed delimiter\n --> src/bad.rs:1:18\n"));
}

TEST_CASE("rustfmt: a deprecated rustfmt.toml option is reported as a warning, not a parse error") {
  // Regression (issue 16, bug 2), against the real rustfmt: it warns on stderr about the option
  // and exits 1 because a file needs formatting.
  testing::TempDir dir("agentry-cargo");
  dir.write("crate/Cargo.toml",
            "[package]\nname = \"deprecated_option\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
  dir.write("crate/rustfmt.toml", "fn_args_layout = \"Compressed\"\n");
  dir.write("crate/src/lib.rs", "pub fn a( x:i32)->i32{x}\n");
  PosixProcessRunner runner;
  auto registry = testing_support::registry_with(runner, testing_support::services_with(runner));
  ToolContext context{dir.path() / "crate", {}};
  Tool* rustfmt = registry.find("rustfmt");

  auto check = rustfmt->run({{"mode", "check"}}, context);
  REQUIRE(check);
  CHECK(check->is_error);
  CHECK(check->details["parse_error"] == false);
  CHECK(check->content.starts_with(
      "rustfmt check: 1 file needs formatting (rustfmt with mode apply fixes this): src/lib.rs\n"
      "rustfmt printed 1 warning (not errors):\nWarning: the `fn_args_layout` option is "
      "deprecated."));
  CHECK(check->content.find("could not parse") == std::string::npos);
  REQUIRE(check->details["warnings"].size() == 1);

  auto apply = rustfmt->run({{"mode", "apply"}}, context);
  REQUIRE(apply);
  CHECK_FALSE(apply->is_error);
  CHECK(
      apply->content.starts_with("rustfmt apply: formatted 1 file: src/lib.rs\nrustfmt printed "
                                 "1 warning (not errors):\nWarning: the `fn_args_layout`"));
  CHECK(testing::read_file(dir.path() / "crate/src/lib.rs") ==
        "pub fn a(x: i32) -> i32 {\n    x\n}\n");

  // A real parse error is still one, the warning still apart.
  dir.write("crate/src/lib.rs", "pub fn a(x: i32) -> i32 {\n    x\n}\nfn c() { let = ; }\n");
  auto broken = rustfmt->run({{"mode", "check"}}, context);
  REQUIRE(broken);
  CHECK(broken->is_error);
  CHECK(broken->details["parse_error"] == true);
  CHECK(broken->content.starts_with(
      "rustfmt check: rustfmt could not parse the code (a syntax error, not a formatting issue); "
      "fix it, then format again:\nerror: expected pattern, found `=`\n --> src/lib.rs:4:14\n"));
  CHECK(broken->content.find("\nrustfmt printed 1 warning (not errors):\nWarning: the "
                             "`fn_args_layout`") != std::string::npos);
}

}  // namespace agentry::tools
