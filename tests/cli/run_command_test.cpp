// `agentry run` end to end: the real binary, the fake LLM server on 127.0.0.1, real cargo, clippy
// and rustfmt. Delegation to rust-pro, the stream-json schema, the json result, --continue, and
// exit codes.
#include <algorithm>
#include <fstream>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "cli/support/agentry_harness.hpp"
#include "cli/support/delegation_script.hpp"
#include "support/json_schema_check.hpp"

namespace agentry::cli {
namespace {

using e2e::AgentryHome;
using e2e::json_lines;
using e2e::kDelegationScript;
using e2e::kFixTask;
using e2e::start_fake;
using nlohmann::json;

const json& stream_schema() {
  static const json kSchema =
      json::parse(testing::read_file(e2e::source_dir() / "examples" / "stream-json.schema.json"));
  return kSchema;
}

/// Every line checked strictly against the schema; the problems, one per line.
std::string schema_report(const std::vector<json>& lines) {
  std::string out;
  for (const auto& line : lines) {
    for (const auto& p : testing::schema_problems(stream_schema(), line, true))
      out += line.value("type", "?") + " " + p + "\n";
  }
  return out;
}

std::vector<std::string> tool_names(const json& request) {
  std::vector<std::string> names;
  for (const auto& t : request.value("tools", json::array()))
    names.push_back(t["function"]["name"]);
  return names;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST_CASE("run: the orchestrator delegates to rust-pro, which fixes a crate with real cargo") {
  AgentryHome home;
  e2e::copy_crate(e2e::source_dir() / "examples" / "tempconv", home.ws());
  // The copy starts dirty, so passing checks at the end mean the run fixed it.
  REQUIRE(home.run_tool({"cargo", "clippy", "--quiet", "--", "-D", "warnings"}).exit_code != 0);
  REQUIRE(home.run_tool({"cargo", "fmt", "--check"}).exit_code != 0);

  auto server = start_fake(kDelegationScript);
  auto r = home.run(
      {"run", "--output-format", "stream-json", "--permission-mode", "accept-edits", kFixTask},
      server.get());
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  auto lines = json_lines(r.out);
  REQUIRE(lines.size() > 10);

  // (b) every line conforms to the documented schema, first init, last result.
  CHECK(schema_report(lines) == "");
  CHECK(lines.front()["type"] == "system");
  CHECK(lines.front()["schema_version"] == 1);
  CHECK(lines.front()["cwd"] == home.ws().string());
  const json& result = lines.back();
  REQUIRE(result["type"] == "result");
  CHECK(result["is_error"] == false);
  CHECK(result["stop_reason"] == "completed");
  CHECK(result["agent"] == "orchestrator");
  CHECK(result["result"] == "rust-pro fixed the crate.");
  CHECK(result["num_turns"] == 2);
  CHECK(result["usage"]["input_tokens"] == 1000 + 7 * 2000 + 1500);
  CHECK(result["usage"]["output_tokens"] == 50 + 7 * 20 + 40);
  CHECK(result["total_cost_usd"].is_null());

  // The delegation, as events.
  std::string child_session;
  std::vector<std::string> child_tools;
  for (const auto& line : lines) {
    if (line["type"] == "subagent.started") {
      CHECK(line["agent"] == "orchestrator");
      CHECK(line["depth"] == 0);
      CHECK(line["child_agent"] == "rust-pro");
      child_session = line["child_session_id"];
    }
    if (line["type"] == "tool.finished" && line["depth"] == 1) {
      CHECK(line["agent"] == "rust-pro");
      CHECK(line["session_id"] == child_session);
      CHECK_MESSAGE(line["is_error"] == false, line.dump());
      child_tools.push_back(line["call"]["name"]);
    }
  }
  REQUIRE(child_session.size() == 26);
  CHECK(child_tools == std::vector<std::string>{"cargo_clippy", "clippy_fix", "edit_file",
                                                "edit_file", "rustfmt", "cargo_clippy"});
  REQUIRE(result["tool_calls"].size() == 7);
  // In order of completion: rust-pro's calls finish inside the orchestrator's `task` call.
  CHECK(result["tool_calls"][0]["name"] == "cargo_clippy");
  CHECK(result["tool_calls"][0]["agent"] == "rust-pro");
  CHECK(result["tool_calls"][6]["name"] == "task");
  CHECK(result["tool_calls"][6]["agent"] == "orchestrator");

  // What the model saw: the orchestrator offers `task` with rust-pro; rust-pro has the toolchain
  // and no `task`; the orchestrator gets rust-pro's report and its session id back.
  auto requests = server->requests();
  REQUIRE(requests.size() == 9);
  auto first_tools = tool_names(requests[0].json);
  CHECK(contains(first_tools, "task"));
  CHECK(requests[0].json.dump().find("rust-pro") != std::string::npos);
  auto child_tool_names = tool_names(requests[1].json);
  CHECK(contains(child_tool_names, "cargo_clippy"));
  CHECK(contains(child_tool_names, "rustfmt"));
  CHECK_FALSE(contains(child_tool_names, "task"));
  std::string first_clippy = requests[2].json["messages"].back().dump();
  CHECK(first_clippy.find("needless_return") != std::string::npos);
  std::string last_request = requests[8].json["messages"].back().dump();
  CHECK(last_request.find("RUST-PRO-REPORT") != std::string::npos);
  CHECK(last_request.find(child_session) != std::string::npos);

  // The crate passes the checks the task asked for, run by the test itself.
  auto clippy = home.run_tool({"cargo", "clippy", "--quiet", "--", "-D", "warnings"});
  CHECK_MESSAGE(clippy.exit_code == 0, clippy.err);
  auto fmt = home.run_tool({"cargo", "fmt", "--check"});
  CHECK_MESSAGE(fmt.exit_code == 0, fmt.out);
  auto tests = home.run_tool({"cargo", "test", "--quiet"});
  CHECK_MESSAGE(tests.exit_code == 0, tests.out);
}

constexpr const char* kListThenAnswer = R"(
turns:
  - tool_calls:
      - {id: call_ls, name: list_files, arguments: {}}
    usage: {input: 1000, output: 200}
  - text: "The workspace holds notes.txt."
    usage: {input: 1000, output: 200}
)";

TEST_CASE("run --output-format json: one result object, the cost null without a price") {
  AgentryHome home;
  std::ofstream(home.ws() / "notes.txt") << "hello\n";
  auto server = start_fake(kListThenAnswer);
  auto r = home.run({"run", "--output-format", "json", "What is in the workspace?"}, server.get());
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  auto lines = json_lines(r.out);
  REQUIRE(lines.size() == 1);
  const json& j = lines[0];
  CHECK(schema_report(lines) == "");
  CHECK(j["result"] == "The workspace holds notes.txt.");
  CHECK(j["is_error"] == false);
  CHECK(j["session_id"].get<std::string>().size() == 26);
  CHECK(j["num_turns"] == 2);
  CHECK(j["usage"] == json{{"input_tokens", 2000},
                           {"output_tokens", 400},
                           {"cache_read_tokens", 0},
                           {"cache_write_tokens", 0}});
  CHECK(j["total_cost_usd"].is_null());
  CHECK(j["duration_ms"].is_number_integer());
  REQUIRE(j["tool_calls"].size() == 1);
  CHECK(j["tool_calls"][0]["name"] == "list_files");
  CHECK(j["tool_calls"][0]["is_error"] == false);
  CHECK(j["tool_calls"][0]["session_id"] == j["session_id"]);
}

TEST_CASE("run --output-format json: total_cost_usd from the config's prices") {
  AgentryHome home;
  auto server = start_fake(kListThenAnswer);
  home.write_config("providers:\n  fake:\n    kind: openai\n    base_url: " + server->url("/v1") +
                    "\n    model: fake-model\n    prices:\n      fake-model: {input: 3, output: "
                    "15}\n");
  auto r = home.run({"run", "--output-format", "json", "What is in the workspace?"}, server.get());
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  json j = json::parse(r.out);
  // Per turn 1000 * 3 / 1e6 + 200 * 15 / 1e6 = 0.006 USD; two turns.
  REQUIRE(j["total_cost_usd"].is_number());
  CHECK(j["total_cost_usd"].get<double>() == doctest::Approx(0.012).epsilon(1e-9));
  // The first request may ask the server for the model's window (GET /v1/models).
  CHECK(server->requests().back().json["model"] == "fake-model");
}

TEST_CASE("run --continue: the resumed session sends the earlier history to the model") {
  AgentryHome home;
  auto server = start_fake(R"(
- when: {contains: PAPAYA}
  text: "Noted the word."
- when: {contains: "Which word"}
  text: "It was PAPAYA."
)");
  auto first =
      home.run({"run", "--output-format", "json", "Remember the word PAPAYA."}, server.get());
  REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  auto first_id = json::parse(first.out)["session_id"];

  auto second = home.run({"run", "--continue", "--output-format", "json", "Which word was it?"},
                         server.get());
  REQUIRE_MESSAGE(second.exit_code == 0, second.err);
  json j = json::parse(second.out);
  CHECK(j["result"] == "It was PAPAYA.");
  CHECK(j["session_id"] == first_id);

  auto requests = server->requests();
  REQUIRE(requests.size() == 2);
  const json& messages = requests[1].json["messages"];
  std::vector<std::pair<std::string, std::string>> seen;
  for (const auto& m : messages) {
    if (m["role"] == "system") continue;
    seen.emplace_back(m["role"], m["content"].is_string() ? m["content"].get<std::string>() : "");
  }
  CHECK(seen ==
        std::vector<std::pair<std::string, std::string>>{{"user", "Remember the word PAPAYA."},
                                                         {"assistant", "Noted the word."},
                                                         {"user", "Which word was it?"}});

  // Without --continue the model starts afresh.
  auto fresh = home.run({"run", "--output-format", "json", "Which word was it?"}, server.get());
  REQUIRE(fresh.exit_code == 0);
  CHECK(json::parse(fresh.out)["session_id"] != first_id);
  CHECK(server->requests().back().json["messages"].dump().find("PAPAYA") == std::string::npos);
}

TEST_CASE("run: an unknown --agent exits 2 before any model call") {
  AgentryHome home;
  auto server = start_fake("- text: unused\n");
  auto r = home.run({"run", "--agent", "no-such-agent", "hello"}, server.get());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no agent named 'no-such-agent'") != std::string::npos);
  CHECK(r.out == "");
  CHECK(server->request_count() == 0);
}

TEST_CASE("run: a model answering 401 exits 1, naming the URL and never the key") {
  AgentryHome home;
  auto server = start_fake(R"(
- text: unused
  faults:
    - {status: 401, error_message: "Incorrect API key provided", times: 20}
)");
  auto options = home.spawn_options({"run", "hello"}, server.get());
  options.env["OPENAI_API_KEY"] = "sk-test-NOT-A-REAL-KEY-31337";
  auto r = testing::run_process(options);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find(server->url("/v1/chat/completions")) != std::string::npos);
  CHECK(r.err.find("401") != std::string::npos);
  CHECK(r.err.find("31337") == std::string::npos);
  CHECK(r.out.find("31337") == std::string::npos);
  REQUIRE(server->request_count() >= 1);
  CHECK(server->requests()[0].header("authorization") == "Bearer sk-test-NOT-A-REAL-KEY-31337");

  // The same failure as stream-json: a schema-valid error result, still without the key.
  options.argv = {e2e::agentry_bin(), "--cwd", home.ws().string(), "run", "--output-format",
                  "stream-json",      "hello"};
  auto s = testing::run_process(options);
  CHECK(s.exit_code == 1);
  auto lines = json_lines(s.out);
  CHECK(schema_report(lines) == "");
  REQUIRE(!lines.empty());
  CHECK(lines.back()["is_error"] == true);
  CHECK(lines.back()["error"]["code"] == "auth");
  CHECK(s.out.find("31337") == std::string::npos);
  // The session had started (turn.started names it) before the provider refused: the error
  // result names it too, rather than null.
  std::string started;
  for (const auto& line : lines) {
    if (line["type"] == "turn.started") started = line.value("session_id", "");
  }
  REQUIRE(started.size() == 26);
  CHECK(lines.back()["session_id"] == started);
}

}  // namespace
}  // namespace agentry::cli
