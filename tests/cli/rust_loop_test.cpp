// Diagnostics after every edit and the bash tool, end to end: the real binary, the fake LLM
// server, real cargo on a fixture crate copied to the workspace. rust-pro's file says
// `check_after_edit: on`; a Claude Code agent that asks for `Bash` gets agentry's `bash`.
#include <fstream>
#include <map>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/support/agentry_harness.hpp"

namespace agentry::cli {
namespace {

using e2e::AgentryHome;
using e2e::json_lines;
using e2e::start_fake;
using nlohmann::json;

// rust-pro breaks the crate with one edit, reads the error in that edit's result, and fixes it.
constexpr const char* kBreakAndFix = R"(
turns:
  - tool_calls:
      - id: call_break
        name: edit_file
        arguments:
          path: src/shapes.rs
          old_string: "    side * side\n"
          new_string: "    let unit: u32 = \"one\";\n    side * side * unit\n"
  - when: {contains: "src/shapes.rs:3:21"}
    tool_calls:
      - id: call_fix
        name: edit_file
        arguments:
          path: src/shapes.rs
          old_string: "    let unit: u32 = \"one\";\n"
          new_string: "    let unit: u32 = 1;\n"
  - when: {contains: "checks clean"}
    text: "Fixed."
  - text: "UNEXPECTED: the check's text was not in the last result."
)";

constexpr const char* kShellScript = R"(
turns:
  - tool_calls:
      - id: call_sh
        name: bash
        arguments: {command: "echo ran > made-by-bash"}
  - when: {contains: "nobody can approve bash here"}
    text: "Told: bash was not approved."
  - text: "UNEXPECTED"
)";

/// The content of each tool.finished event of `lines`, by call id.
std::map<std::string, std::string> tool_results(const std::vector<json>& lines) {
  std::map<std::string, std::string> out;
  for (const auto& line : lines)
    if (line["type"] == "tool.finished") out[line["call"]["id"]] = line["content"];
  return out;
}

void put(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
}

// One edit of the fixture crate that keeps it compiling, then an answer.
constexpr const char* kOneEdit = R"(
turns:
  - tool_calls:
      - id: call_edit
        name: edit_file
        arguments: {path: src/shapes.rs, old_string: "side * side", new_string: "side * side + 0"}
  - text: "Done."
)";

void setup(AgentryHome& home) {
  e2e::copy_crate(testing::fixtures_dir() / "crates" / "edit_check", home.ws());
  home.write_config(fmt::format("cargo_target_dir: {}\n", (home.root() / "cargo-target").string()));
}

/// Runs kOneEdit with `agent` (accept-edits); the edit's result.
std::string one_edit(const AgentryHome& home, const std::string& agent) {
  auto server = start_fake(kOneEdit);
  auto r = home.run({"run", "--agent", agent, "--output-format", "stream-json", "--permission-mode",
                     "accept-edits", "Edit it."},
                    server.get());
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return tool_results(json_lines(r.out))["call_edit"];
}

}  // namespace

TEST_CASE("check after edit: an edit that breaks the crate names the error, the fix checks clean") {
  AgentryHome home;
  setup(home);
  auto server = start_fake(kBreakAndFix);
  auto r = home.run({"run", "--agent", "rust-pro", "--output-format", "stream-json",
                     "--permission-mode", "accept-edits", "Break it, then fix it."},
                    server.get());
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  auto lines = json_lines(r.out);
  auto results = tool_results(lines);
  REQUIRE(results.count("call_break") == 1);
  INFO("break: " << results["call_break"]);
  INFO("fix: " << results["call_fix"]);
  const std::string& broke = results["call_break"];
  CHECK(broke.find("\n\ncargo check after this edit (") != std::string::npos);
  CHECK(broke.find("): 1 error in the edited files\nsrc/shapes.rs:3:21: error[E0308]: mismatched "
                   "types (expected `u32`, found `&str`)") != std::string::npos);
  const std::string& fixed = results["call_fix"];
  CHECK(fixed.find("\n\ncargo check after this edit (") != std::string::npos);
  CHECK(fixed.ends_with("): the crate checks clean"));
  // The model read both (the script's `when`s matched) and answered.
  CHECK(lines.back()["result"] == "Fixed.");
}

TEST_CASE("check after edit: a check over its budget is skipped with a note, not a hang") {
  AgentryHome home;
  setup(home);
  home.write_config(fmt::format("cargo_target_dir: {}\ncheck_after_edit_budget: 0.001\n",
                                (home.root() / "cargo-target").string()));
  auto start = std::chrono::steady_clock::now();
  std::string result = one_edit(home, "rust-pro");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(60));
  CHECK(result.ends_with(
      "\n\ncargo check after this edit: skipped, it ran past its budget of 0.001 s "
      "(check_after_edit_budget) and was stopped; call cargo_check to see the diagnostics"));
}

TEST_CASE("check after edit: off in the config, an agent that does not say gets no check") {
  AgentryHome home;
  setup(home);
  home.write_config(fmt::format("cargo_target_dir: {}\n", (home.root() / "cargo-target").string()));
  // A Claude Code agent of the user's, with no check_after_edit key.
  put(home.root() / "home" / ".claude" / "agents" / "editor.md",
      "---\nname: editor\ndescription: edits\ntools: Read, Edit\n---\nEdit.\n");
  std::string result = one_edit(home, "editor");
  CHECK_FALSE(result.empty());
  CHECK(result.find("cargo check") == std::string::npos);
}

TEST_CASE("bash: an agent asking for Bash gets it, and with ask and no terminal it is denied") {
  AgentryHome home;
  put(home.root() / "home" / ".claude" / "agents" / "shell.md",
      "---\nname: shell\ndescription: runs commands\ntools: Read, Bash\n---\nRun things.\n");
  auto server = start_fake(kShellScript);
  // stdin is not a terminal: nobody can approve.
  auto r = home.run({"run", "--agent", "shell", "--output-format", "stream-json", "Run it."},
                    server.get(), std::string());
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  auto lines = json_lines(r.out);
  bool seen = false;
  for (const auto& line : lines) {
    if (line["type"] != "tool.finished") continue;
    seen = true;
    CHECK(line["call"]["name"] == "bash");
    CHECK(line["is_error"] == true);
    CHECK(line["content"] ==
          "`bash` did not run: nobody can approve bash here; the run is unattended");
  }
  CHECK(seen);
  CHECK(lines.back()["result"] == "Told: bash was not approved.");
  CHECK_FALSE(std::filesystem::exists(home.ws() / "made-by-bash"));
}

TEST_CASE("bash: rust-pro is not offered bash, whose file does not list it") {
  AgentryHome home;
  auto server = start_fake(R"(
turns:
  - tool_calls:
      - {id: call_sh, name: bash, arguments: {command: "echo ran > made-by-bash"}}
  - text: "Done."
)");
  auto r = home.run({"run", "--agent", "rust-pro", "--output-format", "stream-json",
                     "--permission-mode", "bypass", "Run it."},
                    server.get());
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  auto results = tool_results(json_lines(r.out));
  CHECK(results["call_sh"].starts_with("unknown tool 'bash'"));
  CHECK_FALSE(std::filesystem::exists(home.ws() / "made-by-bash"));
}

}  // namespace agentry::cli
