// The cargo executors against a scripted runner: the argv they build, the environment they
// pass, and how they report outcomes that real cargo rarely produces on demand.
#include <doctest/doctest.h>

#include "support/temp_dir.hpp"
#include "tool_test_support.hpp"

namespace agentry::tools {

using nlohmann::json;
using testing_support::exited;
using testing_support::FakeProcessRunner;

namespace {

/// One rustc error as cargo's JSON stream carries it, and the line that ends a failed build.
std::string compile_error(const std::string& file, int line, int column) {
  json span = {{"file_name", file},
               {"is_primary", true},
               {"line_start", line},
               {"line_end", line},
               {"column_start", column},
               {"column_end", column + 6},
               {"label", "expected `i32`, found `&str`"}};
  json message = {{"reason", "compiler-message"},
                  {"package_id", "path+file:///ws#x@0.1.0"},
                  {"message",
                   {{"level", "error"},
                    {"message", "mismatched types"},
                    {"code", {{"code", "E0308"}}},
                    {"spans", {span}},
                    {"children", json::array()}}}};
  return message.dump() + "\n{\"reason\":\"build-finished\",\"success\":false}\n";
}

struct FakeCargoFixture {
  testing::TempDir dir{"agentry-ws"};
  FakeProcessRunner runner;
  Environment parent = [] {
    Environment e;
    e.set("PATH", "/usr/bin");
    e.set("OPENAI_API_KEY", "sk-x");
    return e;
  }();
  ToolRegistry registry = testing_support::registry_with(runner, [&] {
    auto s = testing_support::services_with(runner, parent);
    s.cargo_target_dir = "build/cargo";
    return s;
  }());
  ToolContext context{dir.path(), {}};
  FakeCargoFixture() { dir.write("Cargo.toml", "[package]\nname = \"x\"\n"); }
  ToolOutput call(const std::string& tool, const json& args) {
    auto out = registry.find(tool)->run(args, context);
    REQUIRE_MESSAGE(out, (out ? "" : out.error().to_string()));
    return *out;
  }
};

}  // namespace

TEST_CASE("cargo tools build argv from package, features and all_targets") {
  FakeCargoFixture f;
  f.runner.answers.push_back(exited(0, R"({"reason":"build-finished","success":true})"
                                       "\n"));
  auto out =
      f.call("cargo_clippy", {{"package", "a"}, {"features", {"x", "y"}}, {"all_targets", true}});
  REQUIRE(f.runner.requests.size() == 1);
  const auto& req = f.runner.requests[0];
  CHECK(req.argv == std::vector<std::string>{"cargo", "clippy", "--message-format=json", "--color",
                                             "never", "--package=a", "--features=x,y",
                                             "--all-targets"});
  CHECK(req.cwd == f.dir.path());
  CHECK(req.environment.get("CARGO_TARGET_DIR") == (f.dir.path() / "build/cargo").string());
  CHECK(req.environment.get("CARGO_TERM_COLOR") == "never");
  CHECK_FALSE(req.environment.get("OPENAI_API_KEY"));
  CHECK(req.timeout == std::chrono::seconds(900));
  CHECK(req.writable ==
        std::vector<std::filesystem::path>{f.dir.path(), f.dir.path() / "build/cargo"});
  CHECK(out.content == "cargo clippy: ok, no errors or warnings\n");
  CHECK_FALSE(out.is_error);
}

TEST_CASE("cargo_test passes the name filter after a second --, where libtest reads no option") {
  FakeCargoFixture f;
  f.runner.answers.push_back(
      exited(0,
             "{\"reason\":\"build-finished\",\"success\":true}\n"
             "test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 5 filtered out\n"));
  auto out = f.call("cargo_test", {{"test_name", "parse"}});
  CHECK(f.runner.requests[0].argv ==
        std::vector<std::string>{"cargo", "test", "--message-format=json", "--color", "never",
                                 "--no-fail-fast", "--", "--color", "never", "--", "parse"});
  CHECK(out.content ==
        "cargo test: ok, 2 passed, 0 failed, 0 ignored, 5 filtered out (1 test binary)\n");
}

TEST_CASE("no model value reaches any cargo tool's argv where it could be read as an option") {
  // Each would make cargo run a command of the model's choosing (a `--config` runner, a
  // rustc wrapper) or write where it says, were it read as an option.
  const std::string runner =
      "--config=target.x86_64-unknown-linux-gnu.runner=[\"sh\",\"-c\",\"id\"]";
  const std::vector<std::pair<std::string, json>> attacks = {
      {"package", runner},
      {"package", "-Zunstable-options"},
      {"package", "x --config=build.rustc-wrapper=/bin/sh"},
      {"package", ""},
      {"package", "a@--config=x"},
      {"features", json::array({"ok", runner})},
      {"features", json::array({"-x"})},
      {"features", json::array({"a,--config=x"})},
      {"features", json::array({"a b"})},
      {"features", json::array({"dep/"})},
  };
  for (const char* tool :
       {"cargo_check", "cargo_build", "cargo_clippy", "cargo_test", "clippy_fix"}) {
    for (const auto& [field, value] : attacks) {
      CAPTURE(tool);
      CAPTURE(value.dump());
      FakeCargoFixture f;
      auto out = f.call(tool, {{field, value}});
      CHECK(out.is_error);
      CHECK(out.content.find(field == "package"
                                 ? "is not a package cargo can select"
                                 : "is not a feature name cargo accepts") != std::string::npos);
      CHECK(f.runner.requests.empty());
    }
  }
  for (const std::string& filter : {runner, std::string("-q"), std::string("a\nb")}) {
    CAPTURE(filter);
    FakeCargoFixture f;
    auto out = f.call("cargo_test", {{"test_name", filter}});
    CHECK(out.is_error);
    CHECK(out.content.find("give a part of a test's name") != std::string::npos);
    CHECK(f.runner.requests.empty());
  }
}

TEST_CASE("clippy_fix and rustfmt argv: fixed words, model values glued to their options") {
  FakeCargoFixture f;
  f.call("clippy_fix", {{"package", "x"}, {"features", {"f"}}, {"all_targets", true}});
  // rustfmt takes no value from the model that reaches its argv: only the mode picks a word.
  f.call("rustfmt", {{"mode", "check"}});
  f.call("rustfmt", {{"mode", "apply"}});
  // clippy_fix and rustfmt apply first run a pass that only reads, to see which files the fix
  // would write (write_confinement.hpp): five processes for three calls.
  REQUIRE(f.runner.requests.size() == 5);
  // The pre-pass caps lints at warn as cargo fix does, so that it compiles what the fix will.
  CHECK(f.runner.requests[0].argv ==
        std::vector<std::string>{"cargo", "clippy", "--message-format=json", "--color", "never",
                                 "--package=x", "--features=f", "--all-targets", "--",
                                 "--cap-lints=warn"});
  CHECK(f.runner.requests[1].argv ==
        std::vector<std::string>{"cargo", "clippy", "--fix", "--allow-dirty", "--allow-no-vcs",
                                 "--allow-staged", "--message-format=json", "--color", "never",
                                 "--package=x", "--features=f", "--all-targets"});
  const std::vector<std::string> check = {"cargo", "fmt",     "--all", "--check",
                                          "--",    "--color", "never"};
  CHECK(f.runner.requests[2].argv == check);
  CHECK(f.runner.requests[3].argv == check);
  CHECK(f.runner.requests[4].argv ==
        std::vector<std::string>{"cargo", "fmt", "--all", "--", "--color", "never"});
}

TEST_CASE("package specs and features cargo accepts pass, each glued to its option") {
  FakeCargoFixture f;
  for (int i = 0; i < 2; ++i)
    f.runner.answers.push_back(exited(0, R"({"reason":"build-finished","success":true})"
                                         "\n"));
  f.call("cargo_check", {{"package", "my-crate_2@1.2.0-beta.1+b"},
                         {"features", {"serde", "dep_x/std", "v1.0", "_x+y"}}});
  f.call("cargo_test", {{"package", "core*"}, {"test_name", "tests::parse -- weird"}});
  REQUIRE(f.runner.requests.size() == 2);
  CHECK(f.runner.requests[0].argv ==
        std::vector<std::string>{"cargo", "check", "--message-format=json", "--color", "never",
                                 "--package=my-crate_2@1.2.0-beta.1+b",
                                 "--features=serde,dep_x/std,v1.0,_x+y"});
  CHECK(f.runner.requests[1].argv ==
        std::vector<std::string>{"cargo", "test", "--message-format=json", "--color", "never",
                                 "--no-fail-fast", "--package=core*", "--", "--color", "never",
                                 "--", "tests::parse -- weird"});
}

TEST_CASE("a cargo failure before compiling shows cargo's stderr without progress lines") {
  FakeCargoFixture f;
  f.runner.answers.push_back(
      exited(101, "",
             "    Updating crates.io index\nerror: failed to parse manifest at `/x/Cargo.toml`\n"));
  auto out = f.call("cargo_check", json::object());
  CHECK(out.is_error);
  CHECK(out.content ==
        "cargo check failed before compiling (exit 101):\nerror: failed to parse manifest at "
        "`/x/Cargo.toml`\n");
}

TEST_CASE("a timeout is reported to the model with what was found so far") {
  FakeCargoFixture f;
  ProcessResult r = exited(-1, "");
  r.timed_out = true;
  r.term_signal = 9;
  f.runner.answers.push_back(r);
  auto out = f.call("cargo_build", json::object());
  CHECK(out.is_error);
  CHECK(out.content.starts_with("cargo build timed out after 900 s and was stopped"));
}

TEST_CASE("a missing Cargo.toml is explained, a cancelled run is an Error") {
  FakeCargoFixture f;
  std::filesystem::remove(f.dir.path() / "Cargo.toml");
  auto out = f.call("cargo_check", json::object());
  CHECK(out.is_error);
  CHECK(out.content.starts_with("there is no Cargo.toml in the workspace root"));
  f.dir.write("Cargo.toml", "");
  f.runner.answers.push_back(fail(ErrorCode::kCancelled, "cancelled"));
  auto cancelled = f.registry.find("cargo_check")->run(json::object(), f.context);
  REQUIRE_FALSE(cancelled);
  CHECK(cancelled.error().code == ErrorCode::kCancelled);
}

TEST_CASE(
    "clippy_fix on a crate that does not compile says so with the errors, and fixes nothing") {
  // Regression (issue 16, bug 1): cargo exits 101 and the answer was "no machine-applicable
  // fixes; nothing changed". The read-only pre-pass sees the failure; the fix does not run.
  FakeCargoFixture f;
  f.runner.answers.push_back(exited(101, compile_error("src/lib.rs", 2, 18),
                                    "    Checking x v0.1.0 (/ws)\nerror: could not compile `x` "
                                    "(lib) due to 1 previous error\n"));
  auto out = f.call("clippy_fix", json::object());
  CHECK(f.runner.requests.size() == 1);
  CHECK(out.is_error);
  CHECK(out.content ==
        "clippy_fix did not run: the crate does not compile (cargo clippy exit 101, 1 error, 0 "
        "warnings); clippy fixes only code that compiles: fix these errors by hand, then call "
        "clippy_fix again:\nsrc/lib.rs:2:18: error[E0308]: mismatched types (expected `i32`, "
        "found `&str`)\n");
  CHECK(out.details["build_success"] == false);
  CHECK(out.details["exit_code"] == 101);
  CHECK(out.details["errors"] == 1);
  CHECK(out.details["changed"] == json::array());
}

TEST_CASE("clippy_fix whose fix run fails reports the build failure, never 'no fixes'") {
  FakeCargoFixture f;
  f.runner.answers.push_back(exited(0, R"({"reason":"build-finished","success":true})"
                                       "\n"));
  f.runner.answers.push_back(exited(101, compile_error("src/main.rs", 7, 3)));
  auto out = f.call("clippy_fix", json::object());
  REQUIRE(f.runner.requests.size() == 2);
  CHECK(out.is_error);
  CHECK(out.content.starts_with(
      "clippy_fix: the crate does not compile (cargo clippy --fix exit 101, 1 error, 0 warnings)"));
  CHECK(out.content.find("\nsrc/main.rs:7:3: error[E0308]: mismatched types") != std::string::npos);
  CHECK(out.content.find("nothing changed") == std::string::npos);
  CHECK(out.content.find("no machine-applicable") == std::string::npos);
  CHECK(out.details["build_success"] == false);
}

TEST_CASE("clippy_fix: a failure before compiling or in a build script shows cargo's stderr") {
  {
    FakeCargoFixture f;
    f.runner.answers.push_back(
        exited(101, "", "error: failed to parse manifest at `/ws/Cargo.toml`\n"));
    auto out = f.call("clippy_fix", json::object());
    CHECK(f.runner.requests.size() == 1);
    CHECK(out.is_error);
    CHECK(out.content ==
          "clippy_fix did not run: cargo clippy failed before compiling (exit 101):\nerror: failed "
          "to parse manifest at `/ws/Cargo.toml`\n");
    CHECK(out.details["build_success"] == nullptr);
  }
  {
    FakeCargoFixture f;
    f.runner.answers.push_back(exited(0, R"({"reason":"build-finished","success":true})"
                                         "\n"));
    f.runner.answers.push_back(
        exited(101,
               R"({"reason":"build-finished","success":false})"
               "\n",
               "   Compiling x v0.1.0\nerror: failed to run custom build command for `x`\n"));
    auto out = f.call("clippy_fix", json::object());
    CHECK(out.is_error);
    CHECK(out.content ==
          "clippy_fix: the crate does not compile (cargo clippy --fix exit 101, 0 errors, 0 "
          "warnings); clippy fixes only code that compiles: fix these errors by hand, then call "
          "clippy_fix again:\nerror: failed to run custom build command for `x`\n");
  }
}

TEST_CASE("rustfmt: a rustfmt.toml warning is a warning, not a parse error, in check and apply") {
  // Regression (issue 16, bug 2): a deprecated option made rustfmt print a warning and the
  // answer began "rustfmt could not parse the code". rustfmt prints it once per target.
  FakeCargoFixture f;
  const std::string warning =
      "Warning: the `fn_args_layout` option is deprecated. Use `fn_params_layout`. instead\n";
  const std::string diff = "Diff in " + (f.dir.path() / "src/lib.rs").string() +
                           ":1:\n-pub fn a( x:i32)->i32{x}\n+pub fn a(x: i32) -> i32 {\n";
  f.runner.answers.push_back(exited(1, diff, warning + warning));
  auto check = f.call("rustfmt", {{"mode", "check"}});
  CHECK(check.is_error);
  CHECK(check.content ==
        "rustfmt check: 1 file needs formatting (rustfmt with mode apply fixes this): src/lib.rs\n"
        "rustfmt printed 1 warning (not errors):\n" +
            warning +
            "--- src/lib.rs\n@@ line 1 @@\n-pub fn a( x:i32)->i32{x}\n+pub fn a(x: i32) "
            "-> i32 {\n");
  CHECK(check.details["parse_error"] == false);
  CHECK(check.details["warnings"] == json::array({warning.substr(0, warning.size() - 1)}));

  f.runner.answers.push_back(exited(0, "", warning));
  auto clean = f.call("rustfmt", {{"mode", "check"}});
  CHECK_FALSE(clean.is_error);
  CHECK(clean.content ==
        "rustfmt check: ok, every file is formatted\n"
        "rustfmt printed 1 warning (not errors):\n" +
            warning);

  f.runner.answers.push_back(exited(1, diff, warning));  // apply's read-only pre-pass
  f.runner.answers.push_back(exited(0, "", warning + warning));
  auto apply = f.call("rustfmt", {{"mode", "apply"}});
  CHECK_FALSE(apply.is_error);
  CHECK(apply.content ==
        "rustfmt apply: every file was already formatted; nothing changed\n"
        "rustfmt printed 1 warning (not errors):\n" +
            warning);
  CHECK(apply.details["parse_error"] == false);
}

TEST_CASE("rustfmt: a parse error beside a warning, and an error that is not a parse error") {
  FakeCargoFixture f;
  const std::string lib = (f.dir.path() / "src/lib.rs").string();
  f.runner.answers.push_back(
      exited(1, "",
             "Warning: Unknown configuration option `bogus`\nerror: expected pattern, found `=`\n"
             " --> " +
                 lib +
                 ":2:14\n  |\n2 | fn c() { let = ; }\n  |              ^ expected "
                 "pattern\n\n"));
  auto broken = f.call("rustfmt", {{"mode", "check"}});
  CHECK(broken.is_error);
  CHECK(broken.details["parse_error"] == true);
  CHECK(broken.content ==
        "rustfmt check: rustfmt could not parse the code (a syntax error, not a formatting "
        "issue); fix it, then format again:\nerror: expected pattern, found `=`\n --> "
        "src/lib.rs:2:14\n  |\n2 | fn c() { let = ; }\n  |              ^ expected pattern\n"
        "rustfmt printed 1 warning (not errors):\nWarning: Unknown configuration option "
        "`bogus`\n");

  const auto missing_module = exited(
      1, "",
      "Error writing files: failed to resolve mod `zz`: " + (f.dir.path() / "src/zz.rs").string() +
          " does not exist\n");
  f.runner.answers.push_back(missing_module);  // apply's read-only pre-pass
  f.runner.answers.push_back(missing_module);
  auto missing = f.call("rustfmt", {{"mode", "apply"}});
  CHECK(missing.is_error);
  CHECK(missing.details["parse_error"] == false);
  CHECK(missing.content ==
        "rustfmt apply: rustfmt reported an error (exit 1):\nError writing files: failed to "
        "resolve mod `zz`: src/zz.rs does not exist\n");
}

}  // namespace agentry::tools
