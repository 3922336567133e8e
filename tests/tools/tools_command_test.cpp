// `agentry tools list|show|run` end to end, through the built binary ($AGENTRY_BIN, set by ctest).
#include <cstdlib>

#include <doctest/doctest.h>

#include "core/build_paths.hpp"
#include "support/temp_dir.hpp"
#include "tool_test_support.hpp"

namespace agentry::tools {

namespace {

/// Runs agentry with `args` in `cwd`; nullopt when ctest did not say where the binary is.
std::optional<ProcessResult> agentry(std::vector<std::string> args,
                                     const std::filesystem::path& cwd) {
  const char* bin = std::getenv("AGENTRY_BIN");
  if (bin == nullptr || !std::filesystem::exists(bin)) return std::nullopt;
  PosixProcessRunner runner;
  ProcessRequest req;
  req.argv = {bin};
  req.argv.insert(req.argv.end(), args.begin(), args.end());
  req.cwd = cwd;
  req.environment = testing_support::environment_with_cargo();
  req.environment.set("AGENTRY_DATA_DIR", AGENTRY_SOURCE_DIR);
  auto r = runner.run(req, {});
  REQUIRE(r);
  return *r;
}

}  // namespace

TEST_CASE("agentry tools list, list --json and show print what the model sees") {
  testing::TempDir dir;
  auto list = agentry({"tools", "list"}, dir.path());
  if (!list) {
    MESSAGE("skipped: AGENTRY_BIN is not set (run through ctest)");
    return;
  }
  CHECK(list->exit_code == 0);
  CHECK(list->out.text.find("read_file      reads  Reads a text file from the workspace") !=
        std::string::npos);
  CHECK(list->out.text.find("clippy_fix     writes ") != std::string::npos);

  auto json = agentry({"tools", "list", "--json"}, dir.path());
  auto parsed = nlohmann::json::parse(json->out.text);
  REQUIRE(parsed.size() == 13);
  CHECK(parsed[0]["name"] == "bash");
  CHECK(parsed[0]["default_permission"] == "ask");
  CHECK(parsed[1]["name"] == "cargo_build");
  CHECK(parsed[1]["parameters"] == testing_support::spec_named("cargo_build").schema.parameters);
  CHECK(parsed[1]["default_permission"] == "allow");

  auto show = agentry({"tools", "show", "edit_file"}, dir.path());
  CHECK(show->exit_code == 0);
  CHECK(show->out.text.starts_with("edit_file\n\nReplaces an exact piece of text in a file."));
  CHECK(show->out.text.find("default permission: ask") != std::string::npos);
  auto unknown = agentry({"tools", "show", "shell"}, dir.path());
  CHECK(unknown->exit_code == 2);
  CHECK(unknown->err.text.find("no tool named `shell`") != std::string::npos);
}

TEST_CASE("agentry tools run prints the result as the model gets it, exit 0 whatever it found") {
  testing::TempDir dir;
  dir.write("src/lib.rs", "fn a() {}\n");
  auto read = agentry(
      {"tools", "run", "read_file", R"({"path": "src/lib.rs"})", "--cwd", dir.path().string()},
      "/");
  if (!read) {
    MESSAGE("skipped: AGENTRY_BIN is not set (run through ctest)");
    return;
  }
  CHECK(read->exit_code == 0);
  CHECK(read->out.text == "1\tfn a() {}\n");
  auto invalid = agentry({"tools", "run", "read_file", "{}"}, dir.path());
  CHECK(invalid->exit_code == 0);
  CHECK(invalid->out.text == "rewrite your input: `path` is required\n");
  auto escape = agentry({"tools", "run", "read_file", R"({"path": "/etc/passwd"})"}, dir.path());
  CHECK(escape->exit_code == 0);
  CHECK(escape->out.text == "`/etc/passwd` is outside the workspace " + dir.path().string() + "\n");
  auto bad_json = agentry({"tools", "run", "read_file", "{path"}, dir.path());
  CHECK(bad_json->exit_code == 2);
  auto write =
      agentry({"tools", "run", "write_file", R"({"path": "b.rs", "content": "x\n"})"}, dir.path());
  CHECK(write->exit_code == 0);
  CHECK(write->out.text == "created `b.rs`: 1 lines (2 bytes)\n");
}

}  // namespace agentry::tools
