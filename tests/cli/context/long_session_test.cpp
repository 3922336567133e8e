// Issue 17, must show: sessions far longer than the model's context window run to the model's
// final answer. The real `agentry` against the fake server enforcing the window as Anthropic and
// OpenAI do (a 400 for a prompt over it, which consumes no scripted turn): rust-pro reads ~20 KB
// source files for 150 turns. With the window configured no request is refused and the
// compaction is in stream-json; with the window unknown the first refusal is recovered by one
// compaction; chat, batch and mcp each survive a session longer than the window.
//
// Without compaction in the engine agentry sends the whole history every turn: the fake refuses
// the request once it outgrows the window and the run stops with "prompt is too long" (or
// context_length_exceeded) within a few turns — these tests then fail on the exit code, the
// refusal count and the missing final answer, never by hanging (each run has a time limit).
#include "cli/support/long_session.hpp"

#include <chrono>
#include <fstream>
#include <iterator>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "cli/support/agentry_harness.hpp"
#include "cli/support/mcp_process.hpp"
#include "fakellm/prompt.hpp"

namespace agentry::cli::long_session {
namespace {

using e2e::AgentryHome;
using nlohmann::json;

constexpr int kLongTurns = 150;
constexpr int kFiles = 12;
constexpr std::size_t kFileBytes = 20'000;
constexpr auto kRunLimit = std::chrono::seconds(480);

std::string task() {
  return "Review every part of the crate: read src/part_*.rs one by one, then give your answer.";
}

testing::ProcessOutcome run_stream_json(const AgentryHome& home,
                                        const fakellm::FakeLlmServer& server) {
  auto options = home.spawn_options(
      {"run", "--agent", "rust-pro", "--output-format", "stream-json", task()}, &server);
  return testing::run_process(options, kRunLimit);
}

/// What every long run must show: the final answer, every scripted turn used, and the
/// refusals the fake counted (returned for the caller's check).
void check_completed(const testing::ProcessOutcome& r, const fakellm::FakeLlmServer& server,
                     int turns) {
  INFO("stderr: " << r.err.substr(0, 4000));
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 0);
  auto events = e2e::json_lines(r.out);
  REQUIRE_FALSE(events.empty());
  CHECK(events.back()["type"] == "result");
  CHECK(events.back()["result"] == e2e::kFinalAnswer);
  CHECK(events.back()["is_error"] == false);
  auto counts = server.counts();
  REQUIRE_FALSE(counts.empty());
  CHECK(counts.back().turn == e2e::final_turn_index(turns));
}

/// The context.compacted events, each checked for its fields.
std::vector<json> compactions(const std::string& out) {
  auto events = e2e::events_of(e2e::json_lines(out), "context.compacted");
  for (const auto& e : events) {
    CAPTURE(e.dump());
    CHECK(e.value("session_id", "") != "");
    CHECK(e["agent"] == "rust-pro");
    CHECK(e["depth"] == 0);
    CHECK((e["how"] == "pruned" || e["how"] == "summarised"));
    REQUIRE(e["tokens_before"].is_number_integer());
    REQUIRE(e["tokens_after"].is_number_integer());
    CHECK(e["tokens_after"].get<std::int64_t>() < e["tokens_before"].get<std::int64_t>());
  }
  return events;
}

void long_session_with_known_window(const std::string& kind) {
  CAPTURE(kind);
  AgentryHome home;
  e2e::write_large_crate(home.ws(), kFiles, kFileBytes);
  auto server =
      e2e::start_fake(e2e::long_session_script(kLongTurns, kFiles, {{"context_window", 32000}}));
  home.write_config(e2e::fake_provider_config(kind, *server, "    context_window: 32000\n"));
  auto r = run_stream_json(home, *server);
  auto totals = server->totals();
  INFO("requests answered: " << totals.requests << ", refused: " << totals.refused);
  if (!server->counts().empty()) INFO("last refusal: " << server->counts().back().refusal);
  check_completed(r, *server, kLongTurns);
  CHECK(totals.refused == 0);
  CHECK_FALSE(compactions(r.out).empty());
}

}  // namespace

TEST_CASE("must show: 150 turns of 20 KB reads over Anthropic in a 32000 window, none refused") {
  long_session_with_known_window("anthropic");
}

TEST_CASE("must show: 150 turns of 20 KB reads over OpenAI in a 32000 window, none refused") {
  long_session_with_known_window("openai");
}

// "fake-model" is in no table, so agentry assumes the default 32,768-token window; the fake's is
// smaller.
// Reads of ~8 KB against a 12,000-token window: the prompt outgrows the real window well before
// the assumed one asks for pruning (at 55% of 32,768 less the answer's budget).
TEST_CASE("must show: with the window unknown the first refusal is recovered by one compaction") {
  constexpr int kTurns = 40;
  AgentryHome home;
  e2e::write_large_crate(home.ws(), kFiles, 8'000);
  auto server =
      e2e::start_fake(e2e::long_session_script(kTurns, kFiles, {{"context_window", 12000}}));
  home.write_config(e2e::fake_provider_config("anthropic", *server));
  auto r = run_stream_json(home, *server);
  auto counts = server->counts();
  int first_refused = -1;
  for (std::size_t i = 0; i < counts.size() && first_refused < 0; ++i)
    if (counts[i].refused) first_refused = static_cast<int>(i);
  CAPTURE(first_refused);
  check_completed(r, *server, kTurns);
  // Exactly one refusal (the prompt that outgrew the real window), then compaction; after it the
  // lowered window holds every request.
  CHECK(server->totals().refused == 1);
  REQUIRE(first_refused >= 0);
  CHECK(counts[first_refused].refusal.find("prompt is too long") != std::string::npos);
  CHECK(counts[first_refused].refusal.find("> 12000 maximum") != std::string::npos);
  auto compacted = compactions(r.out);
  REQUIRE_FALSE(compacted.empty());
}

// The front-ends: each survives a session longer than the window .
namespace {

constexpr int kFrontEndTurns = 30;
constexpr std::int64_t kSmallWindow = 16000;
constexpr std::size_t kSmallFileBytes = 8'000;

struct FrontEndRig {
  AgentryHome home;
  std::unique_ptr<fakellm::FakeLlmServer> server;

  FrontEndRig() {
    e2e::write_large_crate(home.ws(), kFiles, kSmallFileBytes);
    server = e2e::start_fake(
        e2e::long_session_script(kFrontEndTurns, kFiles, {{"context_window", kSmallWindow}}));
    home.write_config(e2e::fake_provider_config(
        "anthropic", *server, fmt::format("    context_window: {}\n", kSmallWindow)));
  }

  /// The session was longer than the window (what the fake counted over all its requests
  /// exceeds it many times), no request was refused, and the scripted answer was reached.
  void check_survived() const {
    auto totals = server->totals();
    INFO("requests: " << totals.requests << ", refused: " << totals.refused);
    CHECK(totals.refused == 0);
    auto counts = server->counts();
    REQUIRE_FALSE(counts.empty());
    CHECK(counts.back().turn == e2e::final_turn_index(kFrontEndTurns));
    // What the model read, counted as the fake counts: the tool results alone outgrow the window.
    std::int64_t read_tokens = 0;
    for (int i = 0; i < kFrontEndTurns; ++i) {
      std::ifstream in(home.ws() / "src" / fmt::format("part_{}.rs", i % kFiles));
      std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
      read_tokens += fakellm::count_tokens(text);
    }
    CHECK(read_tokens > 2 * kSmallWindow);
  }
};

}  // namespace

TEST_CASE("must show: chat (lines on stdin) survives a session longer than the window") {
  FrontEndRig rig;
  auto options =
      rig.home.spawn_options({"chat", "--agent", "rust-pro"}, rig.server.get(), task() + "\n");
  auto r = testing::run_process(options, kRunLimit);
  INFO("stdout: " << r.out.substr(r.out.size() > 3000 ? r.out.size() - 3000 : 0)
                  << "\nstderr: " << r.err.substr(0, 3000));
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find(e2e::kFinalAnswer) != std::string::npos);
  rig.check_survived();
}

TEST_CASE("chat: /compact summarises the conversation, and the next message goes on from it") {
  AgentryHome home;
  e2e::write_large_crate(home.ws(), 2, kSmallFileBytes);
  constexpr const char* kAfter = "AFTER: the next step is part 2.";
  json turns = json::array();
  turns.push_back({{"when", {{"tools", false}}}, {"text", e2e::kSummary}});
  for (int i = 0; i < 2; ++i)
    turns.push_back({{"text", fmt::format("Reading part {}.", i)},
                     {"tool_calls",
                      {{{"id", fmt::format("call_{}", i + 1)},
                        {"name", "read_file"},
                        {"arguments", {{"path", fmt::format("src/part_{}.rs", i)}}}}}}});
  turns.push_back({{"text", e2e::kFinalAnswer}});
  turns.push_back({{"text", kAfter}});
  auto server = e2e::start_fake(json{{"turns", turns}}.dump());
  home.write_config(e2e::fake_provider_config("anthropic", *server));
  auto options = home.spawn_options({"chat", "--agent", "rust-pro"}, server.get(),
                                    task() + "\n/compact\nwhat is next?\n");
  auto r = testing::run_process(options, kRunLimit);
  INFO("stdout: " << r.out.substr(r.out.size() > 3000 ? r.out.size() - 3000 : 0)
                  << "\nstderr: " << r.err.substr(0, 3000));
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("context compacted (summarised)") != std::string::npos);
  CHECK(r.out.find(kAfter) != std::string::npos);
  // The model calls: two reads, the answer, the summary (no tools), then the next message's.
  std::vector<json> calls;
  for (const auto& req : server->requests())
    if (req.method == "POST") calls.push_back(req.json);
  REQUIRE(calls.size() == 5);
  CHECK_FALSE(calls[3].contains("tools"));
  std::string last = calls[4]["messages"].dump();
  CHECK(last.find("SUMMARY: the task is a review") != std::string::npos);
  CHECK(last.find("what is next?") != std::string::npos);
  // The file contents read before the compaction are gone from what the model sees.
  CHECK(last.find("contribution_0_0") == std::string::npos);
  CHECK(calls[2]["messages"].dump().find("contribution_0_0") != std::string::npos);
}

TEST_CASE("must show: batch survives a task longer than the window") {
  FrontEndRig rig;
  std::ofstream(rig.home.ws() / "tasks.jsonl")
      << json{{"id", "long"}, {"agent", "rust-pro"}, {"prompt", task()}}.dump() << "\n";
  auto r = testing::run_process(rig.home.spawn_options({"batch", "tasks.jsonl"}, rig.server.get()),
                                kRunLimit);
  INFO("stderr: " << r.err.substr(0, 3000));
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 0);
  std::ifstream in(rig.home.ws() / "tasks.results.jsonl");
  std::string line;
  std::getline(in, line);
  auto result = json::parse(line, nullptr, false);
  REQUIRE_FALSE(result.is_discarded());
  CAPTURE(line.substr(0, 2000));
  CHECK(result.dump().find(e2e::kFinalAnswer) != std::string::npos);
  rig.check_survived();
}

TEST_CASE("must show: mcp survives an agent call longer than the window") {
  FrontEndRig rig;
  e2e::McpProcess mcp(rig.home, {"mcp"}, *rig.server);
  mcp.send(e2e::mcp_initialize());
  REQUIRE(mcp.wait_for(R"("id":0)", std::chrono::seconds(60)));
  mcp.send(e2e::mcp_call(1, task()));
  CHECK(mcp.wait_for(R"("id":1)", kRunLimit));
  mcp.close_input();
  CHECK(mcp.wait_exit(std::chrono::seconds(60)) == 0);
  std::string out = mcp.out();
  CAPTURE(out.substr(out.size() > 3000 ? out.size() - 3000 : 0));
  CHECK(out.find(e2e::kFinalAnswer) != std::string::npos);
  CHECK(out.find(R"("isError":true)") == std::string::npos);
  rig.check_survived();
}

}  // namespace agentry::cli::long_session
