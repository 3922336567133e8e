// What the model reads of cargo's suggestions (issue 18): every suggestion as a "help:" line with
// the line as it reads fixed, multi-line fixes as a small diff, hints that are true, framing that
// scales. Real cargo and clippy on fixture crates of our own; each result's exact text asserted.
#include <doctest/doctest.h>

#include "support/temp_dir.hpp"
#include "tool_test_support.hpp"
#include "tools/cargo_diagnostics.hpp"

namespace agentry::tools {

using nlohmann::json;
using testing_support::copy_crate;
using testing_support::RealCargo;

TEST_CASE("suggestions clippy cannot apply are kept, each with the line as it would read") {
  RealCargo cargo;
  auto out = cargo.run("cargo_clippy", copy_crate("hand_suggestions", cargo.dir.path()));
  CHECK_FALSE(out.is_error);
  CHECK(out.content ==
        "cargo clippy: ok, 0 errors, 4 warnings\n"
        "src/lib.rs:7: clippy::needless_range_loop: the loop variable `i` is only used to index "
        "`values`\n"
        "  help: consider using an iterator: `for <item> in &values {`\n"
        "src/lib.rs:14: clippy::ptr_arg: writing `&Vec` instead of `&[_]` involves a new object "
        "where a slice will do\n"
        "  help: `pub fn count_long(words: &[String]) -> usize {`\n"
        "src/lib.rs:20: clippy::cast_possible_truncation: casting `u64` to `u8` may truncate the "
        "value\n"
        "  help: ... or use `try_from` and handle the error accordingly: `u8::try_from(n)`\n"
        "src/lib.rs:24: clippy::needless_pass_by_value: this argument is passed by value, but not "
        "consumed in the function body\n"
        "  help: consider changing the type to: `pub fn join_all(parts: &[String]) -> String {`\n");
  CHECK(out.details["fixable"] == 0);
  for (const auto& d : out.details["diagnostics"]) {
    REQUIRE(d["suggestions"].size() == 1);
    CHECK(d["suggestions"][0]["applicability"] != "MachineApplicable");
    CHECK(d["fix"] == nullptr);
  }
}

TEST_CASE("a fix that adds or moves lines is a small diff, and clippy_fix applies it") {
  RealCargo cargo;
  auto crate = copy_crate("multiline_fix", cargo.dir.path());
  auto out = cargo.run("cargo_clippy", crate);
  CHECK(out.content ==
        "cargo clippy: ok, 0 errors, 2 warnings (2 fixable by clippy_fix)\n"
        "src/lib.rs:4: clippy::must_use_candidate: this function could have a `#[must_use]` "
        "attribute\n"
        "  help: add the attribute\n"
        "    + #[must_use]\n"
        "      pub fn answer() -> u32 {\n"
        "src/lib.rs:12: clippy::redundant_else: redundant else block\n"
        "  help: remove the `else` block and move the contents out (lines 12-14)\n"
        "    - } else {\n"
        "    -     println!(\"non-negative\");\n"
        "    - }\n"
        "    + }\n"
        "    + println!(\"non-negative\");\n");
  auto fixed = cargo.run("clippy_fix", crate);
  CHECK_FALSE(fixed.is_error);
  CHECK(
      fixed.content.starts_with("clippy_fix: changed 1 file: src/lib.rs\nleft: no errors or "
                                "warnings\n"));
  CHECK(testing::read_file(crate / "src/lib.rs").find("#[must_use] \npub fn answer()") !=
        std::string::npos);
}

TEST_CASE("a lifetime fix shows the whole line, never a token cut in two") {
  RealCargo cargo;
  auto out = cargo.run("cargo_clippy", copy_crate("lifetime_fix", cargo.dir.path()));
  CHECK(out.content ==
        "cargo clippy: ok, 0 errors, 1 warning (1 fixable by clippy_fix)\n"
        "src/lib.rs:7: clippy::needless_lifetimes: the following explicit lifetimes could be "
        "elided: 'a\n"
        "  help: `pub fn longest(text: &str) -> &str {`\n");
  // The short preview kept in the details widens to whole lifetimes too.
  CHECK(out.details["diagnostics"][0]["fix"]["preview"] ==
        "`longest<'a>(text: &'a str) -> &'a str` -> `longest(text: &str) -> &str`");
}

TEST_CASE("a doc_markdown fix keeps its backticks inside a longer fence") {
  RealCargo cargo;
  auto out = cargo.run("cargo_clippy", copy_crate("doc_markdown", cargo.dir.path()));
  CHECK(out.content ==
        "cargo clippy: ok, 0 errors, 2 warnings (2 fixable by clippy_fix)\n"
        "clippy::doc_markdown: item in documentation is missing backticks (2x); help:\n"
        "  src/lib.rs:4:29 `` /// Counts the entries of a `HashMap` built by parse_config. ``\n"
        "  src/lib.rs:4:46 `` /// Counts the entries of a HashMap built by `parse_config`. ``\n");
}

TEST_CASE("while the crate does not compile, no result mentions clippy_fix") {
  RealCargo cargo;
  auto crate = copy_crate("errors_and_fixes", cargo.dir.path());
  const std::string expected =
      "src/main.rs:2:18: error[E0308]: mismatched types (expected `u32`, found `&str`)\n"
      "  src/main.rs:2:12 expected due to this\n"
      "src/lib.rs:2: unused_imports: unused import: `std::collections::HashMap`\n"
      "  help: delete `use std::collections::HashMap;`\n"
      "src/lib.rs:5: unused_variables: unused variable: `unused`\n"
      "  help: if this is intentional, prefix it with an underscore: `let _unused = "
      "input.len();`\n";
  auto check = cargo.run("cargo_check", crate);
  CHECK(check.is_error);
  CHECK(check.details["fixable"] == 2);
  CHECK(check.content == "cargo check: failed, 1 error, 2 warnings\n" + expected);
  auto clippy = cargo.run("cargo_clippy", crate);
  CHECK(clippy.content == "cargo clippy: failed, 1 error, 2 warnings\n" + expected);
  CHECK(clippy.content.find("clippy_fix") == std::string::npos);
}

TEST_CASE("clippy_fix repeats until nothing changes, and what it lists as left it cannot fix") {
  RealCargo cargo;
  auto crate = copy_crate("many_warnings", cargo.dir.path());
  auto fixed = cargo.run("clippy_fix", crate);
  CHECK_FALSE(fixed.is_error);
  // The first pass leaves fixes that overlapped others; the second applies them.
  CHECK(fixed.details["passes"] == 2);
  CHECK(
      fixed.content.starts_with("clippy_fix: changed 3 files in 2 passes: src/lib.rs, "
                                "src/pricing.rs, src/text.rs\n"
                                "left: 0 errors, 14 warnings (fix these by hand):\n"));
  CHECK(fixed.content.find("clippy_fix applies") == std::string::npos);
  auto after = cargo.run("cargo_clippy", crate);
  CHECK(after.details["warnings"] == 14);
  CHECK(after.details["fixable"] == 0);
}

TEST_CASE("a 3-diagnostic call is at most 35% of cargo's rendering, with everything kept") {
  RealCargo cargo;
  auto crate = copy_crate("clippy_lint", cargo.dir.path());
  auto [rendered, report] = cargo.raw_json("clippy", crate);
  REQUIRE(report.diagnostics.size() == 3);
  auto out = cargo.run("cargo_clippy", crate);
  CHECK(out.content ==
        "cargo clippy: ok, 0 errors, 3 warnings (2 fixable by clippy_fix)\n"
        "src/lib.rs:2: clippy::needless_return: unneeded `return` statement\n"
        "  help: `a + b`\n"
        "src/lib.rs:5: clippy::ptr_arg: writing `&Vec` instead of `&[_]` involves a new object "
        "where a slice will do\n"
        "  help: `pub fn has_none(v: &[i32]) -> bool {`\n"
        "src/lib.rs:6: clippy::len_zero: length comparison to zero\n"
        "  help: `v.is_empty()`\n");
  MESSAGE("compact " << out.content.size() << " bytes, cargo's rendering " << rendered.size()
                     << " bytes");
  CHECK(out.content.size() * 100 <= rendered.size() * 35);
  testing_support::check_every_diagnostic_kept(report, out.content);
}

}  // namespace agentry::tools
