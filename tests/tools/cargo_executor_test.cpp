// cargo_check / cargo_clippy against real cargo on the fixture crates.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "support/temp_dir.hpp"
#include "tool_test_support.hpp"
#include "tools/cargo_diagnostics.hpp"

namespace agentry::tools {

using nlohmann::json;
using testing_support::copy_crate;

using testing_support::RealCargo;

TEST_CASE("cargo_check reports a type error with code, file, line and label") {
  RealCargo cargo;
  auto out = cargo.run("cargo_check", copy_crate("type_error", cargo.dir.path()));
  CHECK(out.is_error);
  CHECK(out.details["errors"] == 1);
  REQUIRE(out.details["diagnostics"].size() == 1);
  const auto& d = out.details["diagnostics"][0];
  CHECK(d["code"] == "E0308");
  CHECK(d["file"] == "src/main.rs");
  CHECK(d["line"] == 6);
  CHECK(d["column"] == 18);
  CHECK(d["label"] == "expected `i32`, found `&str`");
  CHECK(out.content ==
        "cargo check: failed, 1 error, 0 warnings\n"
        "src/main.rs:6:18: error[E0308]: mismatched types (expected `i32`, found `&str`)\n"
        "  src/main.rs:6:12 expected due to this\n");
}

TEST_CASE("cargo_check reports a borrow-checker error with where the value moved") {
  RealCargo cargo;
  auto out = cargo.run("cargo_check", copy_crate("borrow_error", cargo.dir.path()));
  CHECK(out.is_error);
  REQUIRE(out.details["diagnostics"].size() == 1);
  const auto& d = out.details["diagnostics"][0];
  CHECK(d["code"] == "E0382");
  CHECK(d["file"] == "src/lib.rs");
  CHECK(d["line"] == 4);
  CHECK(d["column"] == 13);
  CHECK(d["label"] == "value borrowed here after move");
  bool moved_here = false;
  for (const auto& r : d["related"])
    moved_here = moved_here || (r["line"] == 2 && r["label"] == "value moved here");
  CHECK(moved_here);
}

TEST_CASE("in a two-member workspace, paths are relative to the workspace and -p filters") {
  RealCargo cargo;
  auto ws = copy_crate("workspace", cargo.dir.path());
  auto all = cargo.run("cargo_check", ws);
  CHECK_FALSE(all.is_error);
  REQUIRE(all.details["diagnostics"].size() == 1);
  CHECK(all.details["diagnostics"][0]["code"] == "unused_variables");
  CHECK(all.details["diagnostics"][0]["file"] == "b/src/lib.rs");
  CHECK(all.details["diagnostics"][0]["line"] == 2);
  CHECK(all.details["diagnostics"][0]["fix"]["preview"] == "`unused` -> `_unused`");
  auto only_a = cargo.run("cargo_check", ws, {{"package", "a"}});
  CHECK(only_a.content == "cargo check: ok, no errors or warnings\n");
}

TEST_CASE(
    "cargo_clippy on 50 warnings: compact, <= 25% of cargo's rendering, every lint, file, line and "
    "suggestion kept") {
  RealCargo cargo;
  auto crate = copy_crate("many_warnings", cargo.dir.path());
  // The raw JSON stream, once, to know what cargo itself would have printed.
  auto [rendered, report] = cargo.raw_json("clippy", crate);
  REQUIRE(report.diagnostics.size() == 50);

  auto out = cargo.run("cargo_clippy", crate);
  CHECK_FALSE(out.is_error);
  CHECK(out.details["warnings"] == 50);
  CHECK(out.content.starts_with(
      "cargo clippy: ok, 0 errors, 50 warnings (36 fixable by clippy_fix)\n"));
  MESSAGE("compact " << out.content.size() << " bytes, cargo's rendering " << rendered.size()
                     << " bytes");
  CHECK(out.content.size() * 4 <= rendered.size());
  CHECK(out.content.find("more not shown") == std::string::npos);
  testing_support::check_every_diagnostic_kept(report, out.content);
}

}  // namespace agentry::tools
