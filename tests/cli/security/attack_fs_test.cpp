// Issue 15, classes 1, 7, 10, 11 and 13 (first part), as attacks: a hostile workspace made here
// (symlinks into .git, a folder flipping into a link out, a FIFO, a sparse file, `#[path]`
// modules outside) and a scripted model that steers the file and formatting tools at it. Each
// test asserts the attack fails and agentry stays responsive: it answers, exits, can be stopped.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <signal.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "cli/support/agentry_harness.hpp"
#include "cli/support/mcp_process.hpp"
#include "cli/support/peak_rss.hpp"

namespace agentry::cli::attack_fs {
namespace {

namespace fs = std::filesystem;
using e2e::AgentryHome;
using e2e::json_lines;
using e2e::start_fake;
using nlohmann::json;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

/// The tool.finished events of a stream-json run, in order.
std::vector<json> finished_tools(const std::string& out) {
  std::vector<json> calls;
  for (auto& line : json_lines(out))
    if (line["type"] == "tool.finished") calls.push_back(std::move(line));
  return calls;
}

/// The tool.finished event of call `id` (calls of one turn may finish in any order).
json by_id(const std::vector<json>& calls, const std::string& id) {
  for (const auto& c : calls)
    if (c["call"]["id"] == id) return c;
  FAIL("no call " << id);
  return {};
}

/// Every file below `dir` with its size, for "nothing landed here".
std::vector<std::string> tree(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    out.push_back(fs::relative(e.path(), dir).string() +
                  (e.is_regular_file() ? " " + std::to_string(e.file_size()) : ""));
  std::sort(out.begin(), out.end());
  return out;
}

constexpr const char* kGitConfig = "[core]\n\trepositoryformatversion = 0\n";

}  // namespace

TEST_CASE("attack 1: writes through symlinks into .git, and case-folded names, always ask") {
  AgentryHome home;
  fs::create_directories(home.ws() / ".git" / "hooks");
  std::ofstream(home.ws() / ".git" / "config") << kGitConfig;
  fs::create_directories(home.ws() / ".GIT");
  fs::create_directory_symlink(".git", home.ws() / "gitdir");
  fs::create_directory_symlink(".", home.ws() / "a");
  fs::create_directory_symlink(".GIT", home.ws() / "x");
  fs::create_symlink(".git/config", home.ws() / "cfg");
  std::string hook = "[core]\\n\\tfsmonitor = touch /tmp/pwned-agentry\\n";
  auto server = start_fake(fmt::format(R"(
- tool_calls:
    - {{id: c1, name: write_file, arguments: {{path: gitdir/config, content: "{0}"}}}}
    - {{id: c2, name: write_file, arguments: {{path: a/.git/hooks/pre-commit, content: "x"}}}}
    - {{id: c3, name: edit_file, arguments: {{path: cfg, old_string: "version = 0", new_string: "version = 0\n\tfsmonitor = x"}}}}
    - {{id: c4, name: write_file, arguments: {{path: x/config, content: "{0}"}}}}
    - {{id: c5, name: write_file, arguments: {{path: .Claude/agents/evil.md, content: "x"}}}}
    - {{id: c6, name: write_file, arguments: {{path: a/a/src/ok.rs, content: "fn ok() {{}}\n"}}}}
- text: done
)",
                                       hook));
  // accept-edits: ordinary writes are allowed, and nobody is there to approve the others.
  auto r = home.run({"run", "--agent", "rust-pro", "--output-format", "stream-json",
                     "--permission-mode", "accept-edits", "Configure git."},
                    server.get());
  INFO("stderr: " << r.err.substr(0, 3000));
  CHECK(r.exit_code == 0);
  auto calls = finished_tools(r.out);
  REQUIRE(calls.size() == 6);
  for (const char* id : {"c1", "c2", "c3", "c4", "c5"}) {
    auto c = by_id(calls, id);
    CAPTURE(c.dump());
    CHECK(c["is_error"] == true);
    CHECK(contains(c["content"].get<std::string>(), "nobody can approve"));
  }
  CHECK(by_id(calls, "c6")["is_error"] == false);
  CHECK(slurp(home.ws() / ".git" / "config") == kGitConfig);
  CHECK_FALSE(fs::exists(home.ws() / ".git" / "hooks" / "pre-commit"));
  CHECK(fs::is_empty(home.ws() / ".GIT"));
  CHECK_FALSE(fs::exists(home.ws() / ".claude"));
  CHECK_FALSE(fs::exists(home.ws() / ".Claude"));
  CHECK(slurp(home.ws() / "src" / "ok.rs") == "fn ok() {}\n");
  CHECK(server->request_count() == 2);
}

TEST_CASE("attack 7: a folder flipping into a link out while write_file and edit_file write") {
  AgentryHome home;
  testing::TempDir outside("agentry-outside");
  fs::create_directories(home.ws() / "docs");
  fs::create_directory_symlink(outside.path(), home.ws() / "flip");
  // Two parallel calls a turn, 60 turns: write a file into docs/, then edit it.
  std::string script;
  for (int i = 0; i < 60; ++i)
    script += fmt::format(
        "- tool_calls:\n"
        "    - {{id: w{0}, name: write_file, arguments: {{path: docs/n{0}.md, content: "
        "\"A{0}\\n\"}}}}\n"
        "    - {{id: e{0}, name: edit_file, arguments: {{path: docs/n{1}.md, old_string: A{1}, "
        "new_string: B{1}}}}}\n",
        i, i == 0 ? 0 : i - 1);
  script += "- text: done\n";
  auto server = start_fake(script);

  // The attacker: swaps docs/ (a real folder) and flip (a link out) atomically, again and again.
  std::atomic<bool> stop{false};
  std::atomic<long> flips{0};
  std::thread flipper([&] {
    std::string a = (home.ws() / "docs").string();
    std::string b = (home.ws() / "flip").string();
    while (!stop.load()) {
      if (::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) == 0) ++flips;
    }
  });
  auto r = home.run({"run", "--agent", "rust-pro", "--output-format", "stream-json",
                     "--permission-mode", "accept-edits", "--max-steps", "100", "Write notes."},
                    server.get());
  stop = true;
  flipper.join();
  INFO("stderr: " << r.err.substr(0, 3000));
  MESSAGE("flips: " << flips.load());
  CHECK(flips.load() > 1000);
  CHECK(r.exit_code == 0);
  auto calls = finished_tools(r.out);
  CHECK(calls.size() == 120);
  std::size_t refused = 0;
  for (const auto& c : calls)
    if (c["is_error"] == true && contains(c["content"].get<std::string>(), "outside the workspace"))
      ++refused;
  MESSAGE("calls refused as leading outside: " << refused << " of " << calls.size());
  // Zero bytes landed outside, whatever the interleaving.
  CHECK(tree(outside.path()).empty());
}

TEST_CASE(
    "attack 10: read_file on a FIFO answers at once and agentry finishes and can be stopped") {
  AgentryHome home;
  std::ofstream(home.ws() / "Cargo.toml")
      << "[package]\nname = \"fifo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";
  REQUIRE(::mkfifo((home.ws() / "NOTES.md").c_str(), 0644) == 0);
  auto server = start_fake(R"(
- tool_calls:
    - {id: c1, name: read_file, arguments: {path: NOTES.md}}
    - {id: c2, name: grep, arguments: {pattern: secret}}
    - {id: c3, name: edit_file, arguments: {path: NOTES.md, old_string: a, new_string: b}}
- text: done
)");
  auto r =
      home.run({"run", "--agent", "rust-pro", "--output-format", "stream-json", "Read the notes."},
               server.get());
  INFO("stderr: " << r.err.substr(0, 3000));
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 0);
  auto calls = finished_tools(r.out);
  REQUIRE(calls.size() == 3);
  CHECK(by_id(calls, "c1")["is_error"] == true);
  CHECK(by_id(calls, "c1")["content"] ==
        "`NOTES.md` is a FIFO (named pipe), not a regular file; file tools only read and edit "
        "regular files");
  CHECK(contains(by_id(calls, "c2")["content"].get<std::string>(), "no matches"));
  CHECK(by_id(calls, "c3")["is_error"] == true);

  // Signals still work while a run is in its model turn after the FIFO: SIGTERM ends it.
  for (int sig : {SIGINT, SIGTERM}) {
    CAPTURE(sig);
    auto slow = start_fake(R"(
- tool_calls:
    - {id: c1, name: read_file, arguments: {path: NOTES.md}}
- text: never
  delay_ms: 600000
)");
    testing::SpawnedProcess agentry(home.spawn_options(
        {"run", "--agent", "rust-pro", "--output-format", "stream-json", "Read the notes."},
        slow.get()));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (slow->request_count() < 2 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(slow->request_count() == 2);  // read_file returned: the second turn was asked for
    agentry.send(sig);
    auto outcome = agentry.wait(std::chrono::seconds(60));
    CHECK_FALSE(outcome.timed_out);
    CHECK(outcome.exit_code == 130);
  }
}

TEST_CASE("attack 10: agentry mcp: a FIFO read answers, a blocked call is cancelled, EOF exits") {
  AgentryHome home;
  REQUIRE(::mkfifo((home.ws() / "NOTES.md").c_str(), 0644) == 0);
  auto server = start_fake(R"(
- when: {contains: "third task"}
  text: never
  delay_ms: 600000
- when: {contains: "second task"}
  text: second done
- when: {contains: "is a FIFO"}
  text: never
  delay_ms: 600000
- when: {contains: "first task"}
  tool_calls:
    - {id: c1, name: read_file, arguments: {path: NOTES.md}}
)");
  e2e::McpProcess mcp(home, {"mcp", "--permission-mode", "accept-edits"}, *server);
  mcp.send(
      R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
      R"("capabilities":{},"clientInfo":{"name":"attack","version":"1"}}})");
  REQUIRE(mcp.wait_for(R"("id":0)", std::chrono::seconds(60)));
  mcp.send(e2e::mcp_call(1, "first task: read NOTES.md"));
  // read_file answered (the model's next request carries its error), then the call blocks in
  // the model's turn; cancelling it ends it and frees its id.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (server->request_count() < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(server->request_count() == 2);
  CHECK(contains(server->requests()[1].json.dump(), "is a FIFO (named pipe)"));
  mcp.send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}})");
  // The same id again: accepted (the slot was freed) and answered.
  bool answered = false;
  for (int attempt = 0; attempt < 200 && !answered; ++attempt) {
    mcp.send(e2e::mcp_call(1, "second task"));
    answered = mcp.wait_for("second done", std::chrono::seconds(1));
  }
  CHECK(answered);
  // A call blocked in its model turn, then end of input: the server cancels it and exits.
  mcp.send(e2e::mcp_call(2, "third task"));
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (server->request_count() < 4 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  mcp.close_input();
  CHECK(mcp.wait_exit(std::chrono::seconds(60)) == 0);
}

TEST_CASE("attack 11: read_file on 8 KiB of text and a 2 GiB hole reads little, in little memory") {
  AgentryHome home;
  {
    std::string text;
    for (int i = 0; text.size() < 8192; ++i)
      text += fmt::format("line {} of the notes\n", i);
    std::ofstream(home.ws() / "notes.txt", std::ios::binary) << text;
  }
  REQUIRE(::truncate((home.ws() / "notes.txt").c_str(), 2LL * 1024 * 1024 * 1024) == 0);
  auto server = start_fake(R"(
- tool_calls:
    - {id: c1, name: read_file, arguments: {path: notes.txt}}
    - {id: c2, name: grep, arguments: {pattern: "line 7 of"}}
    - {id: c3, name: edit_file, arguments: {path: notes.txt, old_string: "line 1 ", new_string: "x"}}
    - {id: c4, name: read_file, arguments: {path: notes.txt, offset: 300, limit: 5}}
- text: done
)");
  auto r = e2e::run_measured(home,
                             {"run", "--agent", "rust-pro", "--output-format", "stream-json",
                              "--permission-mode", "accept-edits", "Read the notes."},
                             server.get());
  INFO("stderr: " << r.err.substr(0, 3000));
  CHECK(r.exit_code == 0);
  // Reading the file whole cost 4.2 GB; a run may add at most 100 MiB to `agentry --version`.
  e2e::check_peak_rss(r);
  auto calls = finished_tools(r.out);
  REQUIRE(calls.size() == 4);
  INFO("calls: " << by_id(calls, "c1").dump().substr(0, 600) << "\n"
                 << by_id(calls, "c2").dump().substr(0, 600));
  CHECK(by_id(calls, "c1")["is_error"] == false);
  CHECK(contains(by_id(calls, "c1")["content"].get<std::string>(), "1\tline 0 of the notes\n"));
  CHECK(contains(by_id(calls, "c1")["content"].get<std::string>(), "of at least"));
  CHECK(contains(by_id(calls, "c2")["content"].get<std::string>(), "skipped"));
  CHECK(by_id(calls, "c3")["is_error"] == true);
  CHECK(contains(by_id(calls, "c3")["content"].get<std::string>(),
                 "edit_file edits files of at most 8388608 bytes"));
  CHECK(contains(by_id(calls, "c4")["content"].get<std::string>(), "continue with offset="));
}

TEST_CASE("attack 13: rustfmt apply and clippy_fix do not write a #[path] module outside") {
  AgentryHome home;
  testing::TempDir outside("agentry-outside");
  // Badly formatted, and with a machine-applicable clippy lint (needless_return).
  std::string evil = "pub fn evil(a:i32)->i32{\n    return a+1;\n}\n";
  outside.write("evil.rs", evil);
  outside.write("linked.rs", evil);
  std::ofstream(home.ws() / "Cargo.toml")
      << "[package]\nname = \"hostile\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";
  fs::create_directories(home.ws() / "src");
  std::ofstream(home.ws() / "src" / "lib.rs") << fmt::format(
      "#[path = \"{}\"]\npub mod evil;\npub mod linked;\n", (outside.path() / "evil.rs").string());
  fs::create_symlink(outside.path() / "linked.rs", home.ws() / "src" / "linked.rs");
  fs::create_directories(home.ws() / ".git");
  // The model formats, then fixes; each call's result, for the runs below.
  auto tidy = [&] {
    auto server = start_fake(R"(
- tool_calls:
    - {id: c1, name: rustfmt, arguments: {mode: apply}}
- tool_calls:
    - {id: c2, name: clippy_fix, arguments: {}}
- text: done
)");
    auto r = home.run({"run", "--agent", "rust-pro", "--output-format", "stream-json",
                       "--permission-mode", "bypass", "Tidy the crate."},
                      server.get());
    INFO("stderr: " << r.err.substr(0, 3000));
    CHECK(r.exit_code == 0);
    auto calls = finished_tools(r.out);
    REQUIRE(calls.size() == 2);
    for (const auto& c : calls) {
      CAPTURE(c.dump());
      CHECK(c["is_error"] == true);
      CHECK(contains(c["content"].get<std::string>(), "was refused and nothing was changed"));
    }
    return calls;
  };
  for (const auto& c : tidy()) {
    CAPTURE(c.dump());
    CHECK(contains(c["content"].get<std::string>(), "outside the workspace"));
    CHECK(contains(c["content"].get<std::string>(), outside.path().string()));
  }
  CHECK(slurp(outside.path() / "evil.rs") == evil);
  CHECK(slurp(outside.path() / "linked.rs") == evil);

  // The same module pointed into .git: refused as a settings folder.
  std::ofstream(home.ws() / ".git" / "hook.rs") << evil;
  std::ofstream(home.ws() / "src" / "lib.rs") << "#[path = \"../.git/hook.rs\"]\npub mod hook;\n";
  fs::remove(home.ws() / "src" / "linked.rs");
  for (const auto& c : tidy()) {
    CAPTURE(c.dump());
    CHECK(contains(c["content"].get<std::string>(), "lies in a settings folder"));
  }
  CHECK(slurp(home.ws() / ".git" / "hook.rs") == evil);
}

}  // namespace agentry::cli::attack_fs
