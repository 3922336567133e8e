// `agentry sessions list|show|export` on the store a real delegated run left behind.
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/support/agentry_harness.hpp"

namespace agentry::cli {
namespace {

namespace fs = std::filesystem;
using e2e::AgentryHome;
using nlohmann::json;

// The orchestrator delegates; rust-pro lists the files and answers; the orchestrator answers.
constexpr const char* kSessionsScript = R"(
turns:
  - text: "Delegating."
    tool_calls:
      - id: call_task
        name: task
        arguments: {description: Look at the files, subagent_type: rust-pro, prompt: List the files.}
    usage: {input: 100, output: 10}
  - tool_calls:
      - {id: call_ls, name: list_files, arguments: {}}
    usage: {input: 200, output: 20}
  - text: "There is one file: notes.txt."
    usage: {input: 300, output: 30}
  - text: "rust-pro found notes.txt."
    usage: {input: 400, output: 40}
  - text: "A second, shorter run."
    usage: {input: 5, output: 5}
)";

struct Ran {
  std::string root_id;
  std::string child_id;
};

Ran delegated_run(const AgentryHome& home, const fakellm::FakeLlmServer& server) {
  std::ofstream(home.ws() / "notes.txt") << "hello\n";
  auto r =
      home.run({"run", "--output-format", "stream-json", "List the files, via rust-pro"}, &server);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  Ran ran;
  for (const auto& line : e2e::json_lines(r.out)) {
    if (line["type"] == "subagent.started") ran.child_id = line["child_session_id"];
    if (line["type"] == "result") ran.root_id = line["session_id"];
  }
  REQUIRE(ran.root_id.size() == 26);
  REQUIRE(ran.child_id.size() == 26);
  return ran;
}

TEST_CASE("sessions list: root sessions of this directory, most recent first") {
  AgentryHome home;
  auto server = e2e::start_fake(kSessionsScript);
  auto ran = delegated_run(home, *server);

  auto text = home.run({"sessions", "list"}, nullptr);
  REQUIRE_MESSAGE(text.exit_code == 0, text.err);
  CHECK(text.out.starts_with("ID "));
  // One row: the root (subagent sessions appear under `show`), its own 2 turns, the tree's tokens.
  CHECK(text.out.find(ran.child_id) == std::string::npos);
  auto row = text.out.substr(text.out.find('\n') + 1);
  CHECK(row.starts_with(ran.root_id + "  orchestrator   done"));
  CHECK(row.find(" 2      1100         - ") != std::string::npos);
  CHECK(row.find("List the files, via rust-pro") != std::string::npos);

  auto j = home.run({"sessions", "list", "--json"}, nullptr);
  REQUIRE(j.exit_code == 0);
  auto list = json::parse(j.out);
  REQUIRE(list.size() == 1);
  CHECK(list[0]["id"] == ran.root_id);
  CHECK(list[0]["agent"] == "orchestrator");
  CHECK(list[0]["status"] == "done");
  CHECK(list[0]["turns"] == 2);
  CHECK(list[0]["usage"]["sessions"] == 2);
  CHECK(list[0]["usage"]["input_tokens"] == 1000);
  CHECK(list[0]["usage"]["output_tokens"] == 100);
  CHECK(list[0]["total_cost_usd"].is_null());
  CHECK(list[0]["title"] == "List the files, via rust-pro");
  CHECK(list[0]["cwd"] == home.ws().string());

  // A second run is listed first; --limit keeps the newest.
  auto second = home.run({"run", "--output-format", "json", "Second task"}, server.get());
  REQUIRE(second.exit_code == 0);
  auto second_id = json::parse(second.out)["session_id"];
  auto both = json::parse(home.run({"sessions", "list", "--json"}, nullptr).out);
  REQUIRE(both.size() == 2);
  CHECK(both[0]["id"] == second_id);
  CHECK(both[1]["id"] == ran.root_id);
  auto limited = json::parse(home.run({"sessions", "list", "--json", "--limit", "1"}, nullptr).out);
  REQUIRE(limited.size() == 1);
  CHECK(limited[0]["id"] == second_id);

  // Another directory has none of them, unless --all.
  fs::create_directories(home.root() / "elsewhere");
  auto options = home.spawn_options({}, nullptr);
  options.argv = {e2e::agentry_bin(), "--cwd", (home.root() / "elsewhere").string(), "sessions",
                  "list"};
  auto other = testing::run_process(options);
  CHECK(other.exit_code == 0);
  CHECK(other.out.starts_with("No sessions in "));
  options.argv.push_back("--all");
  auto all = testing::run_process(options);
  CHECK(all.out.find(ran.root_id) != std::string::npos);
  std::string in_ws = fmt::format("({})", home.ws().string());
  CHECK(all.out.find(in_ws) != std::string::npos);
}

TEST_CASE("sessions list with no store yet says so and creates nothing") {
  AgentryHome home;
  auto r = home.run({"sessions", "list"}, nullptr);
  CHECK(r.exit_code == 0);
  CHECK(r.out.starts_with("No sessions in "));
  CHECK(home.run({"sessions", "list", "--json"}, nullptr).out == "[]\n");
  CHECK_FALSE(fs::exists(home.session_db()));
}

TEST_CASE("sessions show: transcript summary, subagent tree and usage, by id prefix") {
  AgentryHome home;
  auto server = e2e::start_fake(kSessionsScript);
  auto ran = delegated_run(home, *server);

  auto text = home.run({"sessions", "show", ran.root_id.substr(0, 20)}, nullptr);
  REQUIRE_MESSAGE(text.exit_code == 0, text.err);
  CHECK(text.out.starts_with("session " + ran.root_id + " · orchestrator · done\n"));
  CHECK(text.out.find("user      List the files, via rust-pro") != std::string::npos);
  CHECK(text.out.find("→ task(") != std::string::npos);
  CHECK(text.out.find("└─ rust-pro " + ran.child_id + " done · 2 turns · 550 tokens") !=
        std::string::npos);
  CHECK(text.out.find("this session:   2 turns · 500 input / 50 output tokens · cost -") !=
        std::string::npos);
  CHECK(text.out.find("with 1 subagent session: 4 turns · 1000 input / 100 output tokens") !=
        std::string::npos);

  auto j = json::parse(home.run({"sessions", "show", "--json", ran.root_id}, nullptr).out);
  CHECK(j["id"] == ran.root_id);
  CHECK(j["messages"][0]["role"] == "user");
  CHECK(j["messages"][1]["tool_calls"][0]["name"] == "task");
  CHECK(j["messages"][2]["tool_results"][0]["name"] == "task");
  REQUIRE(j["children"].size() == 1);
  CHECK(j["children"][0]["id"] == ran.child_id);
  CHECK(j["children"][0]["agent"] == "rust-pro");
  CHECK(j["children"][0]["parent_tool_call_id"] == "call_task");
  CHECK(j["children"][0]["turns"] == 2);
  CHECK(j["usage"]["session"]["input_tokens"] == 500);
  CHECK(j["usage"]["total"]["input_tokens"] == 1000);
  CHECK(j["usage"]["total"]["sessions"] == 2);

  // A subagent's session can be shown on its own: it names its parent.
  auto child = json::parse(home.run({"sessions", "show", "--json", ran.child_id}, nullptr).out);
  CHECK(child["parent_id"] == ran.root_id);
  CHECK(child["messages"][1]["tool_calls"][0]["name"] == "list_files");

  auto missing = home.run({"sessions", "show", "7ZZZZZZZZZ"}, nullptr);
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("7ZZZZZZZZZ") != std::string::npos);
  auto bad = home.run({"sessions", "show", "not-an-id!"}, nullptr);
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("is not a session id") != std::string::npos);
}

TEST_CASE("sessions export: JSONL to stdout, markdown to a file") {
  AgentryHome home;
  auto server = e2e::start_fake(kSessionsScript);
  auto ran = delegated_run(home, *server);

  auto jsonl = home.run({"sessions", "export", ran.root_id}, nullptr);
  REQUIRE_MESSAGE(jsonl.exit_code == 0, jsonl.err);
  auto lines = e2e::json_lines(jsonl.out);
  REQUIRE(lines.size() == 1 + 4 + 2);  // header, 4 messages, 2 turns of usage
  CHECK(lines[0]["type"] == "session");
  CHECK(lines[0]["id"] == ran.root_id);
  CHECK(lines[0]["children"] == json::array({ran.child_id}));
  CHECK(lines[1]["type"] == "message");
  CHECK(lines[1]["text"] == "List the files, via rust-pro");
  CHECK(lines[6]["type"] == "usage");
  CHECK(lines[6]["input_tokens"] == 400);

  auto file = home.root() / "out" / "session.md";
  fs::create_directories(file.parent_path());
  auto md = home.run({"sessions", "export", ran.root_id.substr(0, 22), "--format", "markdown", "-o",
                      file.string()},
                     nullptr);
  REQUIRE_MESSAGE(md.exit_code == 0, md.err);
  CHECK(md.out == "");
  auto text = testing::read_file(file);
  CHECK(text.starts_with("# List the files, via rust-pro\n"));
  CHECK(text.find(ran.child_id) != std::string::npos);

  auto unwritable = home.run(
      {"sessions", "export", ran.root_id, "-o", (home.root() / "no" / "dir" / "x.md").string()},
      nullptr);
  CHECK(unwritable.exit_code == 1);
  CHECK(unwritable.err.find("cannot write the export") != std::string::npos);
}

}  // namespace
}  // namespace agentry::cli
