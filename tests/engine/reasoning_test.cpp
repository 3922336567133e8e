// Issue 19 in the engine: whose effort a model call asks for, reasoning as thinking.delta
// events (never text), the reply's thinking kept in the history, and compaction keeping only
// the last assistant turn's thinking.
#include <doctest/doctest.h>

#include "engine/compaction.hpp"
#include "engine/event_json.hpp"
#include "engine/rig.hpp"

namespace agentry::engine {
namespace {

using namespace testing;
using nlohmann::json;

Thinking anthropic_block(std::string text) {
  return {text, "anthropic",
          json{{"type", "thinking"}, {"thinking", text}, {"signature", "sig-" + text}}};
}

/// A turn that reasons (streamed, then kept in the message) and calls `calls`, or answers.
ScriptedProvider::Turn thinking_turn(std::string thought, std::vector<ToolCall> calls,
                                     std::string text = "") {
  return [=](const llm::CompletionRequest&) -> Result<llm::Completion> {
    llm::Completion c;
    c.message = Message::assistant(text, calls);
    c.message.thinking = {anthropic_block(thought)};
    c.usage = {10, 5, 0, 0};
    c.finish = calls.empty() ? llm::FinishReason::kStop : llm::FinishReason::kToolCalls;
    return c;
  };
}

/// Streams a thinking delta before the turn's own answer.
class ThinkingProvider : public ScriptedProvider {
 public:
  Result<llm::Completion> complete(const llm::CompletionRequest& request,
                                   const llm::StreamSink& sink, std::stop_token stop) override {
    sink(llm::ThinkingDelta{"pondering"});
    return ScriptedProvider::complete(request, sink, stop);
  }
};

}  // namespace

TEST_CASE("effort: the run's wins, else the agent's effort or thinking budget, else none") {
  Rig rig;
  auto pro = agent("thinker", agents::AgentMode::kPrimary);
  pro.effort = "medium";
  rig.catalog.add(pro);
  auto budgeted = agent("budgeted", agents::AgentMode::kPrimary);
  budgeted.thinking_budget = 5000;
  rig.catalog.add(budgeted);
  for (int i = 0; i < 4; ++i)
    rig.provider->push_text("ok");
  REQUIRE(rig.run("hi", "thinker"));
  REQUIRE(rig.run("hi", "budgeted"));
  REQUIRE(rig.run("hi", "orchestrator"));
  RunRequest r;
  r.agent = "thinker";
  r.task = "hi";
  r.effort = "max";
  r.cwd = std::filesystem::temp_directory_path();
  REQUIRE(rig.make().run(r, {}));
  auto requests = rig.provider->requests();
  REQUIRE(requests.size() == 4);
  CHECK(requests[0].reasoning == llm::Reasoning{"medium", std::nullopt});
  CHECK(requests[1].reasoning == llm::Reasoning{"", 5000});
  CHECK_FALSE(requests[2].reasoning.has_value());
  CHECK(requests[3].reasoning == llm::Reasoning{"max", std::nullopt});
}

TEST_CASE("effort: a subagent thinks as its own agent asks, not as the run's --effort") {
  Rig rig;
  RunRequest r;
  r.task = "fix the crate";
  r.effort = "high";
  r.cwd = std::filesystem::temp_directory_path();
  rig.provider->push_calls({call(
      "t1", "task",
      {{"description", "fix"}, {"prompt", "make clippy clean"}, {"subagent_type", "rust-pro"}})});
  rig.provider->push_text("clean");  // child
  rig.provider->push_text("done");   // parent
  REQUIRE(rig.make().run(r, {}));
  auto requests = rig.provider->requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].reasoning == llm::Reasoning{"high", std::nullopt});
  CHECK_FALSE(requests[1].reasoning.has_value());  // the rig's rust-pro asks for none
  CHECK(requests[2].reasoning == llm::Reasoning{"high", std::nullopt});
}

TEST_CASE("reasoning streams as thinking.delta, never as text, and stays with its reply") {
  Rig rig;
  auto provider = std::make_shared<ThinkingProvider>();
  rig.models.add("", provider);
  provider->push(thinking_turn("read it first", {call("c1", "read_file", {{"path", "a.rs"}})}));
  provider->push(thinking_turn("now answer", {}, "fine"));
  auto result = rig.run("check a.rs", "rust-pro");
  REQUIRE(result);
  CHECK(result->result == "fine");
  auto thoughts = rig.events.of<ThinkingDelta>();
  REQUIRE(thoughts.size() == 2);
  CHECK(thoughts[0].text == "pondering");
  for (const auto& t : rig.events.of<TextDelta>())
    CHECK(t.text.find("pondering") == std::string::npos);
  // The reply went back with its thinking, for the wire that must send it back.
  auto second = provider->requests().at(1);
  CHECK(second.messages.at(1).thinking == std::vector<Thinking>{anthropic_block("read it first")});
  // And the session store has it with the turn.
  const auto& stored = rig.sessions.sessions[result->session_id].messages;
  bool found = std::any_of(stored.begin(), stored.end(), [](const Message& m) {
    return m.thinking == std::vector<Thinking>{anthropic_block("now answer")};
  });
  CHECK(found);

  json line = event_to_json(thoughts[0]);
  CHECK(line == json{{"type", "thinking.delta"},
                     {"session_id", result->session_id},
                     {"agent", "rust-pro"},
                     {"depth", 0},
                     {"text", "pondering"}});
}

TEST_CASE("compaction keeps the last assistant turn's thinking and drops the earlier") {
  std::vector<Message> tail;
  tail.push_back(Message::user("go on"));
  Message first = Message::assistant("", {call("c1", "read_file", {{"path", "a"}})});
  first.thinking = {anthropic_block("first")};
  tail.push_back(first);
  tail.push_back(Message::tool({{"c1", "read_file", "a", false}}));
  Message last = Message::assistant("", {call("c2", "read_file", {{"path", "b"}})});
  last.thinking = {anthropic_block("last"), {"", "anthropic", json{{"type", "redacted_thinking"}}}};
  tail.push_back(last);
  tail.push_back(Message::tool({{"c2", "read_file", "b", false}}));
  auto view = compacted_view("the summary", tail);
  REQUIRE(view.size() == 5);
  CHECK(view[1].thinking.empty());
  CHECK(view[3].thinking == last.thinking);
  CHECK(view[3].tool_calls == last.tool_calls);
}

}  // namespace agentry::engine
