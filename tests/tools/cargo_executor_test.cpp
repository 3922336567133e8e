// cargo_check / cargo_clippy against real cargo on the fixture crates.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "support/temp_dir.hpp"
#include "tool_test_support.hpp"
#include "tools/cargo_diagnostics.hpp"

namespace agentry::tools {

using nlohmann::json;
using testing_support::copy_crate;

namespace {

/// One temporary folder holding the crate and a shared CARGO_TARGET_DIR.
struct RealCargo {
  testing::TempDir dir{"agentry-cargo"};
  PosixProcessRunner runner;
  ToolRegistry registry = testing_support::registry_with(runner, [&] {
    auto s = testing_support::services_with(runner);
    s.cargo_target_dir = dir.path() / "target";
    return s;
  }());

  ToolOutput run(const std::string& tool, const std::filesystem::path& workspace,
                 const json& args = json::object()) {
    auto out = registry.find(tool)->run(args, ToolContext{workspace, {}});
    REQUIRE_MESSAGE(out, (out ? "" : out.error().to_string()));
    return *out;
  }
};

}  // namespace

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
        "error[E0308]: mismatched types\n"
        "  src/main.rs:6:18 expected `i32`, found `&str`\n"
        "    src/main.rs:6:12 expected due to this\n");
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
    "cargo_clippy on 50 warnings: compact, <= 25% of cargo's rendering, every lint, file and line "
    "kept") {
  RealCargo cargo;
  auto crate = copy_crate("many_warnings", cargo.dir.path());
  // The raw JSON stream, once, to know what cargo itself would have printed.
  ProcessRequest req;
  req.argv = {"cargo", "clippy", "--message-format=json", "--color", "never"};
  req.cwd = crate;
  req.environment = child_environment(testing_support::environment_with_cargo());
  req.environment.set("CARGO_TARGET_DIR", (cargo.dir.path() / "target").string());
  auto raw = cargo.runner.run(req, {});
  REQUIRE(raw);
  std::string rendered = rendered_text(raw->out.text);
  auto report = parse_cargo_messages(raw->out.text);
  REQUIRE(report.diagnostics.size() == 50);

  auto out = cargo.run("cargo_clippy", crate);
  CHECK_FALSE(out.is_error);
  CHECK(out.details["warnings"] == 50);
  CHECK(out.content.starts_with(
      "cargo clippy: ok, 0 errors, 50 warnings (36 with a machine-applicable fix"));
  MESSAGE("compact " << out.content.size() << " bytes, cargo's rendering " << rendered.size()
                     << " bytes");
  CHECK(out.content.size() * 4 <= rendered.size());
  CHECK(out.content.find("more not shown") == std::string::npos);
  for (const auto& d : report.diagnostics) {
    std::string where = fmt::format("  {}:{}:{}", d.file, d.line, d.column);
    CHECK_MESSAGE(out.content.find(where) != std::string::npos, where);
    CHECK_MESSAGE(out.content.find(d.code) != std::string::npos, d.code);
  }
}

}  // namespace agentry::tools
