// Issue 18's must-show for undo: `agentry undo` and chat's /undo put back the exact bytes (the
// test hashes the files) across a subagent's edits (orchestrator → task → rust-pro edits, from a
// script); a file changed since by hand is refused, --force overrides; a created file is
// deleted; undoing twice is a no-op with a clear message; the model is told on the next message.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

#include "cli/support/agentry_harness.hpp"
#include "store/sha256.hpp"

namespace agentry::cli {
namespace {

namespace fs = std::filesystem;
using e2e::AgentryHome;

// The orchestrator delegates; rust-pro edits src/lib.rs and creates src/extra.rs in one turn,
// then answers; the orchestrator answers. A last turn answers a later message.
constexpr const char* kUndoScript = R"(
turns:
  - text: "Delegating."
    tool_calls:
      - id: call_task
        name: task
        arguments: {description: Edit the crate, subagent_type: rust-pro, prompt: Add a helper.}
  - tool_calls:
      - id: call_edit
        name: edit_file
        arguments: {path: src/lib.rs, old_string: "pub fn one() -> u32 {\n    1\n}", new_string: "pub fn one() -> u32 {\n    helper()\n}"}
      - id: call_write
        name: write_file
        arguments: {path: src/extra.rs, content: "pub fn helper() -> u32 {\n    1\n}\n"}
  - text: "Added the helper."
  - text: "rust-pro added a helper."
  - text: "Understood, the changes are gone."
)";

// Not valid UTF-8 past the code, and CRLF: the bytes must come back exactly.
const std::string kLib =
    std::string("//! A crate.\r\n\npub fn one() -> u32 {\n    1\n}\n// \xff\xfe raw bytes\n");

std::string file_hash(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return store::sha256_hex(ss.str());
}

void write_crate(const AgentryHome& home) {
  fs::create_directories(home.ws() / "src");
  std::ofstream(home.ws() / "Cargo.toml") << "[package]\nname = \"undo_fixture\"\nversion = "
                                             "\"0.1.0\"\nedition = \"2021\"\n";
  std::ofstream(home.ws() / "src" / "lib.rs", std::ios::binary) << kLib;
}

/// The orchestrator's run, with the subagent's edits applied.
void edited_run(const AgentryHome& home, const fakellm::FakeLlmServer& server) {
  auto r =
      home.run({"run", "--permission-mode", "accept-edits", "Add a helper, via rust-pro"}, &server);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  REQUIRE(fs::exists(home.ws() / "src" / "extra.rs"));
  REQUIRE(file_hash(home.ws() / "src" / "lib.rs") != store::sha256_hex(kLib));
}

}  // namespace

TEST_CASE(
    "must show: agentry undo restores a subagent's edits byte for byte, deletes what it created") {
  AgentryHome home;
  write_crate(home);
  auto server = e2e::start_fake(kUndoScript);
  edited_run(home, *server);

  auto listed = home.run({"undo", "--list"}, nullptr);
  REQUIRE_MESSAGE(listed.exit_code == 0, listed.err);
  CHECK(listed.out == "turn 0: Add a helper, via rust-pro\n    src/lib.rs\n    src/extra.rs\n");

  auto r = home.run({"undo"}, nullptr);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(
      r.out.starts_with("restored src/lib.rs\ndeleted  src/extra.rs\nundid 2 file changes of "
                        "session "));
  CHECK(file_hash(home.ws() / "src" / "lib.rs") == store::sha256_hex(kLib));
  CHECK_FALSE(fs::exists(home.ws() / "src" / "extra.rs"));

  auto twice = home.run({"undo"}, nullptr);
  REQUIRE_MESSAGE(twice.exit_code == 0, twice.err);
  CHECK(twice.out.starts_with("nothing to undo: the changes of session "));
  CHECK(twice.out.ends_with(" were already undone\n"));
  CHECK(file_hash(home.ws() / "src" / "lib.rs") == store::sha256_hex(kLib));

  // The model reads the note with the next message of the session.
  auto next = home.run({"run", "--continue", "What now?"}, server.get());
  REQUIRE_MESSAGE(next.exit_code == 0, next.err);
  auto requests = server->requests();
  REQUIRE_FALSE(requests.empty());
  CHECK(requests.back().body.find("the user undid the file changes of session") !=
        std::string::npos);
}

TEST_CASE("must show: a file changed by hand since is a conflict, and --force overrides") {
  AgentryHome home;
  write_crate(home);
  auto server = e2e::start_fake(kUndoScript);
  edited_run(home, *server);
  std::ofstream(home.ws() / "src" / "extra.rs") << "// mine now\n";
  auto mine = file_hash(home.ws() / "src" / "extra.rs");
  auto edited = file_hash(home.ws() / "src" / "lib.rs");

  auto refused = home.run({"undo"}, nullptr);
  CHECK(refused.exit_code != 0);
  CHECK(refused.err.find("src/extra.rs changed since the agent last changed it, by someone else; "
                         "nothing was undone") != std::string::npos);
  CHECK(refused.err.find("--force") != std::string::npos);
  CHECK(file_hash(home.ws() / "src" / "extra.rs") == mine);
  CHECK(file_hash(home.ws() / "src" / "lib.rs") == edited);

  auto forced = home.run({"undo", "--force"}, nullptr);
  REQUIRE_MESSAGE(forced.exit_code == 0, forced.err);
  CHECK(forced.out.find("deleted  src/extra.rs (overwriting changes made since)") !=
        std::string::npos);
  CHECK(file_hash(home.ws() / "src" / "lib.rs") == store::sha256_hex(kLib));
  CHECK_FALSE(fs::exists(home.ws() / "src" / "extra.rs"));
}

TEST_CASE("agentry undo without a session to undo, or with an unknown turn, says so") {
  AgentryHome home;
  auto none = home.run({"undo"}, nullptr);
  CHECK(none.exit_code != 0);
  CHECK(none.err.find("no session to undo") != std::string::npos);

  write_crate(home);
  auto server = e2e::start_fake(kUndoScript);
  edited_run(home, *server);
  auto late = home.run({"undo", "--to", "7"}, nullptr);
  CHECK(late.exit_code != 0);
  CHECK(late.err.find("no file changes from turn 7 on") != std::string::npos);
  CHECK(fs::exists(home.ws() / "src" / "extra.rs"));
}

TEST_CASE("must show: chat /undo (lines on stdin) restores a subagent's edits, twice is a no-op") {
  AgentryHome home;
  write_crate(home);
  auto server = e2e::start_fake(kUndoScript);
  auto options = home.spawn_options(
      {"chat", "--agent", "orchestrator", "--permission-mode", "accept-edits"}, server.get(),
      "Add a helper, via rust-pro\n/rewind\n/undo\n/undo\nWhat now?\n");
  auto r = testing::run_process(options);
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("turn 0: Add a helper, via rust-pro — src/lib.rs, src/extra.rs") !=
        std::string::npos);
  CHECK(r.out.find("-    helper()") != std::string::npos);  // the diff shown first
  CHECK(r.out.find("undid the changes of turn 0: restored src/lib.rs, deleted src/extra.rs") !=
        std::string::npos);
  CHECK(r.out.find("nothing to undo: the changes of turn 0 were already undone") !=
        std::string::npos);
  CHECK(file_hash(home.ws() / "src" / "lib.rs") == store::sha256_hex(kLib));
  CHECK_FALSE(fs::exists(home.ws() / "src" / "extra.rs"));
  auto requests = server->requests();
  REQUIRE_FALSE(requests.empty());
  CHECK(requests.back().body.find("the user undid the file changes of turn 0") !=
        std::string::npos);
}

// Two messages, each rewriting notes.rs; /rewind 0 shows the diff and asks first.
constexpr const char* kRewindScript = R"(
turns:
  - tool_calls:
      - {id: call_1, name: write_file, arguments: {path: src/notes.rs, content: "// one\n"}}
  - text: "Wrote one."
  - tool_calls:
      - {id: call_2, name: write_file, arguments: {path: src/notes.rs, content: "// two\n"}}
  - text: "Wrote two."
)";

TEST_CASE("chat /rewind lists the turns, shows the diff and asks before putting files back") {
  AgentryHome home;
  write_crate(home);
  std::ofstream(home.ws() / "src" / "notes.rs") << "// zero\n";
  auto server = e2e::start_fake(kRewindScript);
  auto options = home.spawn_options(
      {"chat", "--agent", "rust-pro", "--permission-mode", "accept-edits"}, server.get(),
      "Write one\nWrite two\n/rewind\n/rewind 2\nn\n/rewind 0\ny\n");
  auto r = testing::run_process(options);
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("turn 0: Write one — src/notes.rs") != std::string::npos);
  CHECK(r.out.find("turn 2: Write two — src/notes.rs") != std::string::npos);
  CHECK(r.out.find("put back 1 file as before turn 2? [y/N]") != std::string::npos);
  CHECK(r.out.find("nothing changed") != std::string::npos);
  CHECK(r.out.find("+// zero") != std::string::npos);
  CHECK(r.out.find("undid the changes of turns 0 to 2: restored src/notes.rs") !=
        std::string::npos);
  std::ifstream in(home.ws() / "src" / "notes.rs");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text == "// zero\n");
}

}  // namespace agentry::cli
