// Issue 17, what it costs: cache reads and writes from an Anthropic answer reach the usage
// events, the json result and its cost (at the cache prices), the session store and
// `agentry sessions show`, which also marks a recorded compaction; --continue goes on from it.
#include <fstream>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "cli/support/agentry_harness.hpp"
#include "store/session_store.hpp"
#include "support/json_schema_check.hpp"

namespace agentry::cli {
namespace {

using e2e::AgentryHome;
using nlohmann::json;

// Two runs of two turns; each run's first turn writes the cache, its second reads it.
constexpr const char* kCachedTurns = R"(
turns:
  - tool_calls:
      - {id: call_ls, name: list_files, arguments: {}}
    usage: {input: 1000, output: 200, cache_write: 8000}
  - text: "The workspace holds notes.txt."
    usage: {input: 500, output: 100, cache_read: 8000, cache_write: 600}
  - tool_calls:
      - {id: call_ls2, name: list_files, arguments: {}}
    usage: {input: 1000, output: 200, cache_write: 8000}
  - text: "Still notes.txt."
    usage: {input: 500, output: 100, cache_read: 8000, cache_write: 600}
  - text: "Going on from the summary."
    usage: {input: 10, output: 5}
)";

// USD per million tokens: input 3, output 15; Anthropic's default cache rates are 0.1x (0.3)
// for reads and 1.25x (3.75) for writes.
//   turn 1: 1000*3 + 200*15 + 8000*3.75           = 36000
//   turn 2:  500*3 + 100*15 + 8000*0.3 + 600*3.75 =  7650
constexpr double kRunCostUsd = (36000.0 + 7650.0) / 1e6;

/// A home whose `fake` provider is Anthropic-kind, priced, and pointed at the scripted server.
struct CachedHome {
  AgentryHome home;
  std::unique_ptr<fakellm::FakeLlmServer> server = e2e::start_fake(kCachedTurns);

  CachedHome() {
    std::ofstream(home.ws() / "notes.txt") << "hello\n";
    home.write_config("providers:\n  fake:\n    kind: anthropic\n    base_url: " + server->url() +
                      "\n    model: claude-test\n    prices:\n      claude-test: {input: 3, "
                      "output: 15}\n");
  }

  /// `agentry run --model fake/claude-test ARGS…`, which must succeed.
  testing::ProcessOutcome run(std::vector<std::string> args) const {
    args.insert(args.begin(), {"run", "--model", "fake/claude-test"});
    auto r = home.run(std::move(args), server.get());
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return r;
  }
};

/// Problems of the lines against the published stream-json schema, checked strictly.
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

}  // namespace

TEST_CASE_FIXTURE(CachedHome,
                  "cache reads and writes reach usage events, the json result, its cost and the "
                  "store") {
  auto json_run = run({"--output-format", "json", "What is in the workspace?"});
  json result = json::parse(json_run.out);
  CHECK(result["usage"] == json{{"input_tokens", 1500},
                                {"output_tokens", 300},
                                {"cache_read_tokens", 8000},
                                {"cache_write_tokens", 8600}});
  REQUIRE(result["total_cost_usd"].is_number());
  CHECK(result["total_cost_usd"].get<double>() == doctest::Approx(kRunCostUsd).epsilon(1e-9));

  auto stream_run = run({"--output-format", "stream-json", "And now?"});
  auto lines = e2e::json_lines(stream_run.out);
  CHECK(stream_schema_problems(lines) == "");
  std::vector<json> usage_events;
  for (const auto& line : lines)
    if (line["type"] == "usage") usage_events.push_back(line);
  REQUIRE(usage_events.size() == 2);
  CHECK(usage_events[0]["turn"]["cache_write_tokens"] == 8000);
  CHECK(usage_events[1]["turn"]["cache_read_tokens"] == 8000);
  CHECK(usage_events[1]["turn"]["cache_write_tokens"] == 600);
  CHECK(usage_events[1]["total"]["cache_read_tokens"] == 8000);
  CHECK(usage_events[1]["total"]["cache_write_tokens"] == 8600);
  CHECK(usage_events[1]["cost_usd"].get<double>() == doctest::Approx(kRunCostUsd).epsilon(1e-9));
  const json& stream_result = lines.back();
  CHECK(stream_result["type"] == "result");
  CHECK(stream_result["total_cost_usd"].get<double>() ==
        doctest::Approx(kRunCostUsd).epsilon(1e-9));

  // The store kept them per turn: sessions show prints them.
  std::string id = result["session_id"];
  auto shown = home.run({"sessions", "show", id}, nullptr);
  REQUIRE_MESSAGE(shown.exit_code == 0, shown.err);
  INFO(shown.out);
  CHECK(shown.out.find("this session:   2 turns · 1500 input / 300 output tokens · 8000 cache "
                       "read / 8600 cache write · cost $0.0436") != std::string::npos);
  auto shown_json = json::parse(home.run({"sessions", "show", "--json", id}, nullptr).out);
  CHECK(shown_json["usage"]["session"]["cache_read_tokens"] == 8000);
  CHECK(shown_json["usage"]["session"]["cache_write_tokens"] == 8600);
  CHECK(shown_json["usage"]["session"]["cost_usd"].get<double>() ==
        doctest::Approx(kRunCostUsd).epsilon(1e-9));
}

TEST_CASE_FIXTURE(CachedHome,
                  "sessions show marks a compaction, and --resume goes on from its view") {
  auto first = run({"--output-format", "json", "What is in the workspace?"});
  std::string id = json::parse(first.out)["session_id"];

  // What the engine records when it compacts (here written directly, as the engine would).
  {
    auto store = store::SessionStore::open(home.session_db());
    REQUIRE(store);
    REQUIRE(store->record_compaction(
        id, {"summarised",
             41200,
             9800,
             {Message::user("SUMMARY-7Q: the workspace holds notes.txt; nothing is left.")}}));
  }

  auto shown = home.run({"sessions", "show", id}, nullptr);
  REQUIRE_MESSAGE(shown.exit_code == 0, shown.err);
  auto mark = shown.out.find("  — context compacted (summarised): 41,200 → 9,800 tokens —\n");
  REQUIRE(mark != std::string::npos);
  CHECK(shown.out.find("The workspace holds notes.txt.") < mark);
  auto shown_json = json::parse(home.run({"sessions", "show", "--json", id}, nullptr).out);
  REQUIRE(shown_json["compactions"].size() == 1);
  CHECK(shown_json["compactions"][0] ==
        json{{"index", 0},
             {"at_seq", 4},
             {"how", "summarised"},
             {"tokens_before", 41200},
             {"tokens_after", 9800},
             {"created_at_ms", shown_json["compactions"][0]["created_at_ms"]},
             {"view_messages", 1}});
  auto exported = home.run({"sessions", "export", id}, nullptr);
  CHECK(exported.out.find("\"type\":\"compaction\"") != std::string::npos);

  // Runs 3 and 4 of the script are another run's; skip them with a throwaway session.
  run({"--output-format", "json", "skip"});
  run({"--resume", id, "--output-format", "json", "Go on."});
  auto requests = server->requests();
  REQUIRE_FALSE(requests.empty());
  std::string sent = requests.back().json["messages"].dump();
  CHECK(sent.find("SUMMARY-7Q") != std::string::npos);
  CHECK(sent.find("Go on.") != std::string::npos);
  CHECK(sent.find("What is in the workspace?") == std::string::npos);
  CHECK(sent.find("call_ls") == std::string::npos);
}

}  // namespace agentry::cli
