#include "cli/mcp/progress.hpp"

#include <sstream>

#include <doctest/doctest.h>

namespace agentry::cli::mcp {

using nlohmann::json;

namespace {

std::vector<json> lines_of(const std::ostringstream& out) {
  std::vector<json> all;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);)
    all.push_back(json::parse(line));
  return all;
}

engine::Origin origin(std::string agent, int depth = 0) {
  return {"s-" + agent, agent, depth};
}

}  // namespace

TEST_CASE("ProgressReporter: one increasing notification per tool call start/finish and subagent") {
  std::ostringstream out;
  MessageWriter writer(out);
  std::stop_source stop;
  ProgressReporter progress(writer, "tok", stop.get_token());
  ToolCall call{"c1", "cargo_check", {{"package", "demo"}}, ""};
  progress.on_event(engine::TurnStarted{origin("rust-pro"), 1});
  progress.on_event(engine::TextDelta{origin("rust-pro"), "thinking"});
  progress.on_event(engine::ToolCallStarted{origin("rust-pro"), call});
  progress.on_event(
      engine::ToolCallFinished{origin("rust-pro"), call, {"c1", "cargo_check", "ok", false}, 812});
  progress.on_event(engine::SubagentStarted{origin("rust-pro"), "s-2", "helper", "look closer"});
  progress.on_event(
      engine::ToolCallStarted{origin("helper", 1), ToolCall{"c2", "read_file", {}, ""}});
  progress.on_event(engine::ToolCallFinished{origin("helper", 1),
                                             ToolCall{"c2", "read_file", {}, ""},
                                             {"c2", "read_file", "no", true},
                                             3});
  progress.on_event(engine::SubagentFinished{origin("rust-pro"), "s-2", "helper", true});
  progress.on_event(engine::UsageUpdated{origin("rust-pro"), {}, {}, std::nullopt});
  progress.on_event(engine::Done{origin("rust-pro"), engine::StopReason::kCompleted, "done"});
  progress.on_event(engine::ErrorOccurred{origin("rust-pro"), Error{ErrorCode::kTool, "x"}});

  auto lines = lines_of(out);
  REQUIRE(lines.size() == 6);
  const char* messages[] = {"rust-pro: cargo_check {\"package\":\"demo\"}",
                            "rust-pro: cargo_check done in 812 ms",
                            "rust-pro delegated to helper: look closer",
                            "helper: read_file",
                            "helper: read_file failed in 3 ms",
                            "helper finished"};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    CAPTURE(i);
    CHECK(lines[i]["method"] == "notifications/progress");
    CHECK(lines[i]["params"]["progressToken"] == "tok");
    CHECK(lines[i]["params"]["progress"] == i + 1);
    CHECK(lines[i]["params"]["message"] == messages[i]);
  }
  CHECK(progress.sent() == 6);
}

TEST_CASE("ProgressReporter sends nothing without a token, after close, or once stopped") {
  std::ostringstream out;
  MessageWriter writer(out);
  ToolCall call{"c1", "cargo_test", json::object(), ""};
  engine::ToolCallStarted started{origin("a"), call};

  std::stop_source never;
  ProgressReporter silent(writer, nullptr, never.get_token());
  silent.on_event(started);

  ProgressReporter closed(writer, 7, never.get_token());
  closed.on_event(started);
  closed.close();
  closed.on_event(started);

  std::stop_source stop;
  ProgressReporter stopped(writer, 8, stop.get_token());
  stop.request_stop();
  stopped.on_event(started);

  auto lines = lines_of(out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["params"]["progressToken"] == 7);  // integer tokens stay integers
  CHECK(lines[0]["params"]["message"] == "a: cargo_test");
}

}  // namespace agentry::cli::mcp
