// The public JSON forms of events and results against the documented stream-json schema
// (examples/stream-json.schema.json), strictly: every field emitted must be documented.
#include "engine/event_json.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "cli/support/agentry_harness.hpp"
#include "support/json_schema_check.hpp"
#include "support/temp_dir.hpp"

namespace agentry::engine {
namespace {

using nlohmann::json;

const json& schema() {
  static const json kSchema = json::parse(
      agentry::testing::read_file(cli::e2e::source_dir() / "examples" / "stream-json.schema.json"));
  return kSchema;
}

std::string problems_of(const json& line) {
  std::string out;
  for (const auto& p : agentry::testing::schema_problems(schema(), line, true))
    out += p + "\n";
  return out;
}

const engine::Origin kOrigin{"01J0000000000000000000000A", "rust-pro", 1};

TEST_CASE("the schema is versioned: schema_version 1 on the init and result lines") {
  CHECK(schema()["$id"] == "urn:agentry:stream-json:1");
  CHECK(schema()["$defs"]["system_init"]["properties"]["schema_version"]["const"] == 1);
  CHECK(schema()["$defs"]["result"]["properties"]["schema_version"]["const"] == 1);
  CHECK(kStreamSchemaVersion == 1);
}

TEST_CASE("every engine event's stream-json form conforms to the schema") {
  ToolCall call{"call_1", "cargo_clippy", json{{"all_targets", true}}, R"({"all_targets":true})"};
  ToolCall broken{"call_2", "edit_file", nullptr, "{not json"};
  Usage usage{120, 18, 4, 0};
  std::vector<engine::Event> events = {
      engine::TurnStarted{kOrigin, 1},
      engine::TextDelta{kOrigin, "Let me check."},
      engine::ToolCallStarted{kOrigin, call},
      engine::ToolCallStarted{kOrigin, broken},
      engine::ToolCallFinished{kOrigin, call, ToolResult{"call_1", "cargo_clippy", "clean", false},
                               42},
      engine::UsageUpdated{kOrigin, usage, usage, std::nullopt},
      engine::UsageUpdated{kOrigin, usage, usage, 0.0125},
      engine::SubagentStarted{kOrigin, "01J0000000000000000000000B", "rust-pro", "Fix lints"},
      engine::SubagentFinished{kOrigin, "01J0000000000000000000000B", "rust-pro", false},
      engine::ContextCompacted{kOrigin, "summarised", 41200, 9800},
      engine::ContextCompacted{kOrigin, "pruned", 30000, 16000},
      engine::Done{kOrigin, engine::StopReason::kMaxSteps, "partial"},
      engine::ErrorOccurred{
          kOrigin, Error(ErrorCode::kAuth, "HTTP 401", "http://127.0.0.1:1/v1", "check the key")},
      engine::ToolCallProgress{kOrigin, "call_1", 2, 5.0, "indexing"},
      engine::ToolCallProgress{kOrigin, "call_1", 0.5, std::nullopt, ""},
      engine::HookRan{kOrigin, "PreToolUse", "./guard.sh", 2, true, false},
  };
  for (const auto& event : events) {
    json line = event_to_json(event);
    CAPTURE(line.dump());
    CHECK(problems_of(line) == "");
  }
  CHECK(event_to_json(events[3])["call"]["raw_arguments"] == "{not json");
  CHECK(event_to_json(events[5])["cost_usd"].is_null());
  CHECK(event_to_json(events[6])["cost_usd"] == 0.0125);
  CHECK(event_to_json(events[9]) == json{{"type", "context.compacted"},
                                         {"session_id", kOrigin.session_id},
                                         {"agent", "rust-pro"},
                                         {"depth", 1},
                                         {"tokens_before", 41200},
                                         {"tokens_after", 9800},
                                         {"how", "summarised"}});
  CHECK(event_to_json(events.back()) == json{{"type", "hook"},
                                             {"session_id", kOrigin.session_id},
                                             {"agent", "rust-pro"},
                                             {"depth", 1},
                                             {"event", "PreToolUse"},
                                             {"command", "./guard.sh"},
                                             {"exit", 2},
                                             {"blocked", true},
                                             {"timed_out", false}});
  CHECK(event_to_json(events[13]) == json{{"type", "tool.progress"},
                                          {"session_id", kOrigin.session_id},
                                          {"agent", "rust-pro"},
                                          {"depth", 1},
                                          {"call_id", "call_1"},
                                          {"progress", 2.0},
                                          {"total", 5.0},
                                          {"message", "indexing"}});
  CHECK(event_to_json(events[14])["total"].is_null());
  Error overflow(ErrorCode::kContextOverflow, "prompt is too long: 40123 tokens > 32000 maximum");
  overflow.overflow = {32000, 40123};
  json error_line = event_to_json(engine::ErrorOccurred{kOrigin, overflow});
  CHECK(problems_of(error_line) == "");
  CHECK(error_line["error"]["code"] == "context_overflow");
  CHECK(error_line["error"]["overflow"] == json{{"limit", 32000}, {"prompt", 40123}});
}

TEST_CASE("result objects conform, with and without a price, and when the run failed early") {
  engine::RunResult r;
  r.session_id = "01J0000000000000000000000A";
  r.agent = "orchestrator";
  r.result = "done";
  r.num_turns = 2;
  r.usage = Usage{10, 5, 0, 0};
  r.tool_calls.push_back({"01J0000000000000000000000B", "rust-pro",
                          ToolCall{"c1", "rustfmt", json::object(), "{}"},
                          ToolResult{"c1", "rustfmt", "ok", false}, 7});
  CHECK(problems_of(result_to_json(r)) == "");
  CHECK(result_to_json(r)["total_cost_usd"].is_null());
  r.cost_usd = 0.5;
  CHECK(problems_of(result_to_json(r)) == "");
  CHECK(result_to_json(r)["total_cost_usd"] == 0.5);

  json early = error_result_to_json(Error(ErrorCode::kNotFound, "no agent named 'x'"), "", 3);
  CHECK(problems_of(early) == "");
  CHECK(early["session_id"].is_null());
}

TEST_CASE("the checker catches a missing field, a wrong type and an undocumented field") {
  json line = event_to_json(engine::TurnStarted{kOrigin, 1});
  json missing = line;
  missing.erase("depth");
  CHECK(problems_of(missing).find("\"depth\" is missing") != std::string::npos);
  json wrong = line;
  wrong["turn"] = "one";
  CHECK(problems_of(wrong).find("$.turn: expected type \"integer\"") != std::string::npos);
  json extra = line;
  extra["surprise"] = 1;
  CHECK(problems_of(extra).find("$.surprise: not in the schema") != std::string::npos);
  CHECK(agentry::testing::schema_problems(schema(), extra, false).empty());
  json unknown = {{"type", "turn.finished"}};
  CHECK(problems_of(unknown).find("matches no oneOf branch") != std::string::npos);
}

}  // namespace
}  // namespace agentry::engine
