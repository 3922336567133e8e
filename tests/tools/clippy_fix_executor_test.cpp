// clippy_fix + rustfmt apply leave a crate clean: `cargo clippy -- -D warnings` and
// `cargo fmt --check` pass afterwards (checked with real cargo, outside the tools).
#include <filesystem>
#include <string>

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"
#include "tool_test_support.hpp"

namespace agentry::tools {

TEST_CASE(
    "clippy_fix applies machine-applicable fixes and reports them, rustfmt apply finishes the "
    "job") {
  testing::TempDir dir("agentry-cargo");
  PosixProcessRunner runner;
  auto services = testing_support::services_with(runner);
  services.cargo_target_dir = dir.path() / "target";
  auto registry = testing_support::registry_with(runner, services);
  auto crate = testing_support::copy_crate("clippy_lint", dir.path());
  ToolContext context{crate, {}};

  auto before = registry.find("cargo_clippy")->run(nlohmann::json::object(), context);
  REQUIRE(before);
  REQUIRE(before->details["diagnostics"].size() == 3);
  const auto& diags = before->details["diagnostics"];
  CHECK(diags[0]["code"] == "clippy::needless_return");
  CHECK(diags[0]["line"] == 2);
  CHECK(diags[0]["fix"]["preview"] == "`return a + b;` -> `a + b`");
  CHECK(diags[1]["code"] == "clippy::ptr_arg");
  CHECK(diags[1]["line"] == 5);
  CHECK(diags[1]["fix"] == nullptr);
  CHECK(diags[2]["code"] == "clippy::len_zero");
  CHECK(diags[2]["line"] == 6);
  CHECK(diags[2]["fix"]["preview"] == "`len() == 0` -> `is_empty()`");

  auto fixed = registry.find("clippy_fix")->run(nlohmann::json::object(), context);
  REQUIRE(fixed);
  CHECK_FALSE(fixed->is_error);
  CHECK(fixed->details["changed"] == nlohmann::json::array({"src/lib.rs"}));
  CHECK(fixed->content.starts_with("clippy_fix: changed 1 file: src/lib.rs\n"));
  CHECK(fixed->content.find("-    return a + b;\n+    a + b\n") != std::string::npos);
  CHECK(fixed->content.find("-    v.len() == 0\n+    v.is_empty()\n") != std::string::npos);
  // ptr_arg's suggestion is not machine-applicable: it is left for the model.
  CHECK(fixed->details["warnings"] == 1);
  CHECK(fixed->details["diagnostics"][0]["code"] == "clippy::ptr_arg");

  auto edit =
      registry.find("edit_file")
          ->run(
              {{"path", "src/lib.rs"}, {"old_string", "v: &Vec<i32>"}, {"new_string", "v: &[i32]"}},
              context);
  REQUIRE(edit);
  CHECK_FALSE(edit->is_error);
  auto formatted = registry.find("rustfmt")->run({{"mode", "apply"}}, context);
  REQUIRE(formatted);
  CHECK_FALSE(formatted->is_error);

  ProcessRequest req;
  req.cwd = crate;
  req.environment = child_environment(testing_support::environment_with_cargo());
  req.environment.set("CARGO_TARGET_DIR", (dir.path() / "target").string());
  req.argv = {"cargo", "clippy", "--color", "never", "--", "-D", "warnings"};
  auto clippy = runner.run(req, {});
  REQUIRE(clippy);
  CHECK_MESSAGE(clippy->exit_code == 0, clippy->err.text);
  req.argv = {"cargo", "fmt", "--check"};
  auto fmt_check = runner.run(req, {});
  REQUIRE(fmt_check);
  CHECK_MESSAGE(fmt_check->exit_code == 0, fmt_check->out.text);
}

namespace {

/// A one-crate workspace in `dir`/crate with `lib` as src/lib.rs.
std::filesystem::path make_crate(const testing::TempDir& dir, const std::string& lib) {
  dir.write("crate/Cargo.toml",
            "[package]\nname = \"fixture\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
  dir.write("crate/src/lib.rs", lib);
  return dir.path() / "crate";
}

}  // namespace

TEST_CASE("clippy_fix on a crate that does not compile says the build failed, with the errors") {
  // Regression (issue 16, bug 1): cargo exits 101 and the answer was "no machine-applicable
  // fixes; nothing changed".
  testing::TempDir dir("agentry-cargo");
  PosixProcessRunner runner;
  auto services = testing_support::services_with(runner);
  services.cargo_target_dir = dir.path() / "target";
  auto registry = testing_support::registry_with(runner, services);
  const std::string lib = "pub fn a() -> i32 {\n    let x: i32 = \"s\";\n    return x;\n}\n";
  auto crate = make_crate(dir, lib);

  auto out = registry.find("clippy_fix")->run(nlohmann::json::object(), {crate, {}});
  REQUIRE(out);
  CHECK(out->is_error);
  CHECK(out->content.starts_with(
      "clippy_fix did not run: the crate does not compile (cargo clippy exit 101, 1 error"));
  CHECK(out->content.find("\nsrc/lib.rs:2:18: error[E0308]: mismatched types (expected `i32`, "
                          "found `&str`)\n") != std::string::npos);
  CHECK(out->content.find("nothing changed") == std::string::npos);
  CHECK(out->content.find("no machine-applicable") == std::string::npos);
  CHECK(out->details["build_success"] == false);
  CHECK(testing::read_file(crate / "src/lib.rs") == lib);
}

TEST_CASE("clippy_fix fixes a #![deny] crate, and sees every crate the fix reaches") {
  // cargo fix caps lints at warn; a pre-pass that did not stopped at the denied lint in the
  // library, never compiled the binary, and let the fix rewrite its #[path] module outside.
  testing::TempDir outside("agentry-outside");
  const std::string evil = "pub fn z(v: &[i32]) -> bool {\n    v.len() == 0\n}\n";
  outside.write("evil.rs", evil);
  testing::TempDir dir("agentry-cargo");
  PosixProcessRunner runner;
  auto services = testing_support::services_with(runner);
  services.cargo_target_dir = dir.path() / "target";
  auto registry = testing_support::registry_with(runner, services);
  auto crate = make_crate(
      dir, "#![deny(clippy::needless_return)]\npub fn a(x: i32) -> i32 {\n    return x;\n}\n");
  dir.write("crate/src/main.rs", "#[path = \"" + (outside.path() / "evil.rs").string() +
                                     "\"]\nmod evil;\nfn main() {\n    evil::z(&[]);\n}\n");
  Tool* clippy_fix = registry.find("clippy_fix");

  auto refused = clippy_fix->run(nlohmann::json::object(), {crate, {}});
  REQUIRE(refused);
  CHECK(refused->is_error);
  CHECK(
      refused->content.starts_with("clippy_fix was refused and nothing was changed: it would "
                                   "write `" +
                                   (outside.path() / "evil.rs").string() + "`"));
  CHECK(testing::read_file(outside.path() / "evil.rs") == evil);

  std::filesystem::remove(crate / "src/main.rs");
  auto fixed = clippy_fix->run(nlohmann::json::object(), {crate, {}});
  REQUIRE(fixed);
  CHECK_FALSE(fixed->is_error);
  CHECK(fixed->content.starts_with("clippy_fix: changed 1 file: src/lib.rs\n"));
  CHECK(testing::read_file(crate / "src/lib.rs") ==
        "#![deny(clippy::needless_return)]\npub fn a(x: i32) -> i32 {\n    x\n}\n");
}

}  // namespace agentry::tools
