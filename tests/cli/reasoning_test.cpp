// Issue 19 end to end: reasoning models against fakes that enforce the real services' rules.
// Anthropic extended thinking over a 10-turn tool session (signed thinking blocks, a redacted
// block every few turns, each sent back verbatim first in its message), and an
// OpenAI-compatible server that streams reasoning_content and refuses it sent back (DeepSeek).
#include <fstream>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/support/agentry_harness.hpp"
#include "fakellm/thinking_rules.hpp"
#include "support/json_schema_check.hpp"

namespace agentry::cli {
namespace {

using e2e::AgentryHome;
using nlohmann::json;

/// Nine tool turns, then the answer. Some turns script their thinking; the fake thinks a line of
/// its own on the others, and every third answer starts with a redacted_thinking block.
std::string ten_turn_script(std::string_view server) {
  std::string yaml = fmt::format("server:\n{}\nturns:\n", server);
  for (int turn = 1; turn <= 9; ++turn) {
    yaml += turn % 2 == 1 ? fmt::format(
                                "  - thinking: \"Step {}: look at notes.txt again.\"\n"
                                "    tool_calls:\n",
                                turn)
                          : std::string("  - tool_calls:\n");
    yaml += fmt::format(
        "      - {{id: call_{}, name: read_file, arguments: {{path: notes{}.txt}}}}\n", turn, turn);
  }
  yaml += "  - thinking: \"The file says hello.\"\n    text: \"notes.txt says hello.\"\n";
  return yaml;
}

std::vector<json> of_type(const std::vector<json>& lines, std::string_view type) {
  std::vector<json> out;
  for (const auto& l : lines) {
    if (l.value("type", "") == type) out.push_back(l);
  }
  return out;
}

std::string stream_schema_problems(const std::vector<json>& lines) {
  json schema =
      json::parse(testing::read_file(e2e::source_dir() / "examples" / "stream-json.schema.json"));
  std::string out;
  for (const auto& line : lines) {
    for (const auto& p : testing::schema_problems(schema, line, true))
      out += line.value("type", "?") + " " + p + "\n";
  }
  return out;
}

/// An agent that asks for a temperature thinking does not allow, and thinks hard.
constexpr const char* kThinkerAgent = R"(---
name: thinker
description: Reads files and thinks hard about them.
mode: primary
temperature: 0.2
effort: high
tools: read_file, list_files
---
You read files.
)";

}  // namespace

TEST_CASE(
    "a 10-turn tool session with extended thinking against Anthropic's rules: no request "
    "is refused and the answer arrives") {
  AgentryHome home;
  auto server = e2e::start_fake(ten_turn_script("  thinking_rules: true\n  redacted_every: 3"));
  for (int i = 1; i <= 9; ++i)
    std::ofstream(home.ws() / fmt::format("notes{}.txt", i)) << "hello\n";
  home.write_config("providers:\n  fake:\n    kind: anthropic\n    base_url: " + server->url() +
                    "\n    model: claude-test\n    max_tokens: 16000\n");
  std::filesystem::create_directories(home.root() / "config/agentry/agents");
  std::ofstream(home.root() / "config/agentry/agents/thinker.md") << kThinkerAgent;

  auto r = home.run({"run", "--model", "fake/claude-test", "--agent", "thinker", "--output-format",
                     "stream-json", "Read notes.txt ten times."},
                    server.get());
  REQUIRE_MESSAGE(r.exit_code == 0, r.err << r.out);
  auto lines = e2e::json_lines(r.out);
  CHECK(stream_schema_problems(lines) == "");
  CHECK(lines.back()["result"] == "notes.txt says hello.");
  CHECK(lines.back()["num_turns"] == 10);
  CHECK(server->totals().refused == 0);
  // The temperature is dropped with one warning, not sent to be refused.
  CHECK(r.err.find("allows only temperature 1") != std::string::npos);

  // The reasoning streams as thinking.delta events, never as text.
  std::string thought;
  for (const auto& e : of_type(lines, "thinking.delta"))
    thought += e["text"].get<std::string>();
  CHECK(thought.find("Step 1: look at notes.txt again.") != std::string::npos);
  CHECK(thought.find("The file says hello.") != std::string::npos);
  std::string text;
  for (const auto& e : of_type(lines, "text.delta"))
    text += e["text"].get<std::string>();
  CHECK(text == "notes.txt says hello.");

  auto requests = server->requests();
  REQUIRE(requests.size() == 10);
  int redacted_sent = 0;
  for (const auto& req : requests) {
    CHECK(req.header("anthropic-beta") == "interleaved-thinking-2025-05-14");
    CHECK(req.json["thinking"] == json({{"type", "enabled"}, {"budget_tokens", 14976}}));
    CHECK(req.json["max_tokens"] == 16000);
    CHECK_FALSE(req.json.contains("temperature"));
    // Every earlier answer's blocks went back first in its message, as the fake signed them.
    for (const auto& m : req.json["messages"]) {
      if (m["role"] != "assistant") continue;
      const json& first = m["content"][0];
      CHECK((first["type"] == "thinking" || first["type"] == "redacted_thinking"));
      for (const auto& block : m["content"]) {
        if (block["type"] == "redacted_thinking") ++redacted_sent;
        if (block["type"] == "thinking")
          CHECK(block["signature"] ==
                fakellm::thinking_signature(block["thinking"].get<std::string>()));
      }
    }
  }
  // Answers 3, 6 and 9 held a redacted block; requests 4..10, 7..10 and 10 sent them back.
  CHECK(redacted_sent == 7 + 4 + 1);

  // Stored with the turn and exported, never as the answer.
  auto id = lines.back()["session_id"].get<std::string>();
  auto md = home.run({"sessions", "export", id, "--format", "markdown"}, nullptr);
  REQUIRE_MESSAGE(md.exit_code == 0, md.err);
  CHECK(md.out.find("<summary>Thinking</summary>") != std::string::npos);
  CHECK(md.out.find("<summary>Thinking (redacted)</summary>") != std::string::npos);
  CHECK(md.out.find("Step 1: look at notes.txt again.") != std::string::npos);
  auto jsonl = home.run({"sessions", "export", id}, nullptr);
  REQUIRE_MESSAGE(jsonl.exit_code == 0, jsonl.err);
  CHECK(jsonl.out.find("\"signature\":\"fakesig_") != std::string::npos);
}

TEST_CASE("the Anthropic fake refuses a tool loop whose thinking was not sent back") {
  // Without --effort nor an effort in the agent, no thinking is asked for; the fake then sends
  // none. With thinking asked for but the blocks dropped, the second request is refused: the
  // refusal is checked in tests/fakellm; here the positive run above is the contract.
  AgentryHome home;
  auto server = e2e::start_fake(
      "server: {thinking_rules: true}\nturns:\n  - tool_calls:\n      - {id: c1, name: "
      "list_files, arguments: {}}\n  - text: done\n");
  home.write_config("providers:\n  fake:\n    kind: anthropic\n    base_url: " + server->url() +
                    "\n    model: claude-test\n");
  auto r = home.run({"run", "--model", "fake/claude-test", "--output-format", "json", "List."},
                    server.get());
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(server->totals().refused == 0);
  for (const auto& req : server->requests()) {
    CHECK_FALSE(req.json.contains("thinking"));
    CHECK(req.header("anthropic-beta").empty());
  }
}

TEST_CASE("reasoning_content streams as thinking.delta, is stored, and is never sent back") {
  AgentryHome home;
  auto server = e2e::start_fake(R"(
server: {thinking_rules: true}
turns:
  - thinking: "The user wants the files listed."
    tool_calls:
      - {id: call_1, name: list_files, arguments: {}}
  - thinking: "One file: notes.txt. Read it."
    tool_calls:
      - {id: call_2, name: read_file, arguments: {path: notes.txt}}
  - thinking: "It says hello."
    text: "notes.txt says hello."
    usage: {input: 100, output: 40, reasoning: 25}
)");
  std::ofstream(home.ws() / "notes.txt") << "hello\n";
  home.write_config("providers:\n  ds:\n    kind: openai\n    base_url: " + server->url("/v1") +
                    "\n    model: deepseek-reasoner\n");
  auto r = home.run({"run", "--model", "ds/deepseek-reasoner", "--effort", "high",
                     "--output-format", "stream-json", "What does notes.txt say?"},
                    server.get());
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto lines = e2e::json_lines(r.out);
  CHECK(stream_schema_problems(lines) == "");
  CHECK(lines.back()["result"] == "notes.txt says hello.");
  CHECK(server->totals().refused == 0);
  std::string thought;
  for (const auto& e : of_type(lines, "thinking.delta"))
    thought += e["text"].get<std::string>();
  CHECK(thought == "The user wants the files listed.One file: notes.txt. Read it.It says hello.");
  auto usage = of_type(lines, "usage");
  REQUIRE(!usage.empty());
  CHECK(usage.back()["turn"]["reasoning_tokens"] == 25);
  CHECK(lines.back()["usage"]["reasoning_tokens"] == 25);
  for (const auto& req : server->requests()) {
    if (req.path != "/v1/chat/completions") continue;
    // deepseek-reasoner takes no reasoning_effort: not sent.
    CHECK_FALSE(req.json.contains("reasoning_effort"));
    for (const auto& m : req.json["messages"])
      CHECK_FALSE(m.contains("reasoning_content"));
  }
  auto id = lines.back()["session_id"].get<std::string>();
  auto jsonl = home.run({"sessions", "export", id}, nullptr);
  REQUIRE_MESSAGE(jsonl.exit_code == 0, jsonl.err);
  CHECK(jsonl.out.find("One file: notes.txt. Read it.") != std::string::npos);
}

}  // namespace agentry::cli
