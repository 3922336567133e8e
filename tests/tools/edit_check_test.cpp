// The check after edits against real cargo on a fixture crate copied to a temporary folder.
#include "tools/edit_check.hpp"

#include <fstream>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "support/temp_dir.hpp"
#include "tool_test_support.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;
using nlohmann::json;
using testing_support::copy_crate;

namespace {

void put(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
}

/// src/shapes.rs with `area` of type `ty` and `body`.
std::string shapes(const std::string& ty, const std::string& body) {
  return fmt::format(
      "/// The area of a square with side `side`.\npub fn area(side: {0}) -> {0} {{\n{1}}}\n", ty,
      body);
}

const std::string kShapes = shapes("u32", "    side * side\n");
const std::string kShapesBroken =
    shapes("u32", "    let unit: u32 = \"one\";\n    side * side * unit\n");

/// The edit_check crate in a temporary folder, a shared CARGO_TARGET_DIR, a checker over them.
struct CheckRig {
  testing::TempDir dir{"agentry-edit-check"};
  PosixProcessRunner runner;
  fs::path ws = copy_crate("edit_check", dir.path());
  EditChecker checker;

  explicit CheckRig(EditCheckOptions options = {})
      : checker(
            [&] {
              auto s = testing_support::services_with(runner);
              s.cargo_target_dir = dir.path() / "target";
              return s;
            }(),
            options) {}

  void write(const std::string& file, const std::string& text) const { put(ws / file, text); }
  std::string check(const std::vector<EditedCall>& calls, const std::string& session = "s1",
                    fs::file_time_type since = fs::file_time_type::clock::now()) {
    return checker.check(session, calls, ToolContext{ws, {}}, since);
  }
  std::string edited(const std::string& file, const std::string& session = "s1") {
    return check({{"edit_file", json{{"path", file}}}}, session);
  }
};

/// `text` without the "(0.4 s)" timing of its first line.
std::string untimed(std::string text) {
  auto open = text.find(" (");
  auto close = text.find(" s):", open);
  if (open != std::string::npos && close != std::string::npos) text.erase(open, close + 3 - open);
  return text;
}

}  // namespace

TEST_CASE("an edit that breaks the crate gets the error with file:line, the fix checks clean") {
  CheckRig rig;
  rig.write("src/shapes.rs", kShapesBroken);
  CHECK(untimed(rig.edited("src/shapes.rs")) ==
        "\n\ncargo check after this edit: 1 error in the edited files\n"
        "src/shapes.rs:3:21: error[E0308]: mismatched types (expected `u32`, found `&str`)\n"
        "  src/shapes.rs:3:15 expected due to this");
  rig.write("src/shapes.rs", kShapes);
  CHECK(untimed(rig.edited("src/shapes.rs")) ==
        "\n\ncargo check after this edit: the crate checks clean");
}

TEST_CASE("warnings are shown once per session, and only in the touched files") {
  CheckRig rig;
  rig.write("src/shapes.rs", shapes("u32", "    let unused = 2;\n    side * side\n"));
  std::string first = untimed(rig.edited("src/shapes.rs"));
  CHECK(first.starts_with("\n\ncargo check after this edit: 1 new warning in the edited files\n"));
  CHECK(first.find("unused variable: `unused`") != std::string::npos);
  CHECK(first.find("src/shapes.rs:3: unused_variables") != std::string::npos);
  // The same warning again, in the same session: nothing new.
  CHECK(untimed(rig.edited("src/shapes.rs")) ==
        "\n\ncargo check after this edit: no errors (1 warning, none new in the edited files)");
  // Another session has not seen it.
  CHECK(untimed(rig.edited("src/shapes.rs", "s2")).find("1 new warning") != std::string::npos);
  // An edit of another file does not show it, in a session that never saw it either.
  CHECK(untimed(rig.edited("src/lib.rs", "s3")) ==
        "\n\ncargo check after this edit: no errors (1 warning, none new in the edited files)");
}

TEST_CASE("errors an edit causes in other files are counted, not listed") {
  CheckRig rig;
  rig.write("src/shapes.rs", shapes("u64", "    side * side\n"));
  std::string text = untimed(rig.edited("src/shapes.rs"));
  CHECK(text.starts_with("\n\ncargo check after this edit: nothing new in the edited files; "));
  CHECK(text.find("in other files (cargo_check shows them)") != std::string::npos);
  CHECK(text.find("src/lib.rs") == std::string::npos);
}

TEST_CASE("a check over its budget is stopped and leaves a one-line note, not a hang") {
  EditCheckOptions options;
  options.budget = std::chrono::milliseconds(1);
  CheckRig rig(options);
  rig.write("src/shapes.rs", kShapesBroken);
  auto start = std::chrono::steady_clock::now();
  std::string text = rig.edited("src/shapes.rs");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK(text ==
        "\n\ncargo check after this edit: skipped, it ran past its budget of 0.001 s "
        "(check_after_edit_budget) and was stopped; call cargo_check to see the diagnostics");
}

TEST_CASE("no check without a touched .rs file of a cargo package") {
  CheckRig rig;
  rig.write("README.md", "# notes\n");
  CHECK(rig.edited("README.md").empty());
  CHECK(rig.check({{"write_file", json{{"path", "Cargo.toml"}}}}).empty());
  // rustfmt in check mode writes nothing; bash is not a file tool.
  CHECK(rig.check({{"rustfmt", json{{"mode", "check"}}}, {"bash", json{{"command", "true"}}}})
            .empty());
  // A Rust file outside any package.
  testing::TempDir loose{"agentry-edit-check-loose"};
  put(loose.path() / "main.rs", "fn main() {}\n");
  CHECK(rig.checker
            .check("s1", {{"write_file", json{{"path", "main.rs"}}}}, ToolContext{loose.path(), {}},
                   fs::file_time_type::clock::now())
            .empty());
}

TEST_CASE("after clippy_fix or rustfmt apply, the files changed since the turn began are checked") {
  CheckRig rig;
  auto since = fs::file_time_type::clock::now();
  rig.write("src/shapes.rs", kShapesBroken);
  std::string text = untimed(rig.check({{"rustfmt", json{{"mode", "apply"}}}}, "s1", since));
  CHECK(text.starts_with("\n\ncargo check after this edit: 1 error in the edited files\n"));
  CHECK(text.find("src/shapes.rs:3:21") != std::string::npos);
}

TEST_CASE("an edit of a unit test or an integration test is checked with the tests compiled") {
  CheckRig rig;
  rig.write(
      "src/shapes.rs",
      shapes("u32", "    side * side\n") +
          "\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn four() {\n"
          "        let n: u32 = \"four\";\n        assert_eq!(super::area(2), n);\n    }\n}\n");
  std::string unit = untimed(rig.edited("src/shapes.rs"));
  CHECK(unit.starts_with("\n\ncargo check after this edit: 1 error in the edited files\n"));
  CHECK(unit.find("src/shapes.rs:10:22") != std::string::npos);
  rig.write("src/shapes.rs", kShapes);
  rig.write("tests/area.rs",
            "#[test]\nfn area() {\n    let n: u32 = edit_check::area(\"2\");\n}\n");
  std::string integration = untimed(rig.edited("tests/area.rs"));
  CHECK(integration.starts_with("\n\ncargo check after this edit: 1 error"));
  CHECK(integration.find("tests/area.rs:3:35") != std::string::npos);
}

TEST_CASE("an edit in a workspace member checks that member and says which") {
  testing::TempDir dir{"agentry-edit-check-ws"};
  PosixProcessRunner runner;
  auto services = testing_support::services_with(runner);
  services.cargo_target_dir = dir.path() / "target";
  EditChecker checker(services, {});
  fs::path ws = copy_crate("workspace", dir.path());
  fs::path member = ws / "a";
  std::string name = "a";
  put(member / "src" / "lib.rs", "pub fn broken() -> u8 { \"no\" }\n");
  std::string text =
      untimed(checker.check("s1", {{"edit_file", json{{"path", name + "/src/lib.rs"}}}},
                            ToolContext{ws, {}}, fs::file_time_type::clock::now()));
  CHECK(text.starts_with(
      fmt::format("\n\ncargo check of {} after this edit: 1 error in the edited files\n", name)));
  CHECK(text.find(name + "/src/lib.rs:1:25") != std::string::npos);
}

}  // namespace agentry::tools
