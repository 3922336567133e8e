#include "engine/engine.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

#include <doctest/doctest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/ringbuffer_sink.h>

#include "core/build_paths.hpp"
#include "engine/fakes.hpp"
#include "engine/rig.hpp"
#include "support/temp_dir.hpp"

namespace agentry::engine {

using testing::agent;
using testing::call;
using testing::Rig;

TEST_CASE("a plain answer ends the run after one turn") {
  Rig rig;
  rig.provider->push_text("hello there");
  auto result = rig.run("hi");
  REQUIRE(result);
  CHECK(result->result == "hello there");
  CHECK(result->agent == "orchestrator");
  CHECK(result->reason == StopReason::kCompleted);
  CHECK(result->num_turns == 1);
  CHECK(result->usage == Usage{10, 5, 0, 0});
  REQUIRE(result->cost_usd);
  CHECK(*result->cost_usd == doctest::Approx((10 * 1.0 + 5 * 2.0) / 1e6));
  auto& stored = rig.sessions.sessions[result->session_id];
  CHECK(stored.status == "completed");
  REQUIRE(stored.messages.size() == 2);
  CHECK(stored.messages[0] == Message::user("hi"));
  CHECK(stored.messages[1].text == "hello there");
  auto deltas = rig.events.of<TextDelta>();
  REQUIRE(deltas.size() == 1);
  CHECK(deltas[0].text == "hello there");
}

TEST_CASE("the system prompt joins base, environment and the agent's body") {
  Rig rig;
  rig.provider->push_text("ok");
  REQUIRE(rig.run("hi", "rust-pro"));
  auto req = rig.provider->requests().at(0);
  CHECK(req.system.find("You are rust-pro, an agent run by agentry") != std::string::npos);
  CHECK(req.system.find("<environment>") != std::string::npos);
  CHECK(req.system.ends_with("You are rust-pro."));
  // rust-pro has no task tool: it lists read_file and cargo_clippy only.
  REQUIRE(req.tools.size() == 2);
  CHECK(req.tools[0].name == "read_file");
}

TEST_CASE("tool calls run, their results go back, and the loop goes on") {
  Rig rig;
  rig.provider->push_calls({call("c1", "read_file", {{"path", "src/lib.rs"}})});
  rig.provider->push_text("done");
  auto result = rig.run("read it", "rust-pro");
  REQUIRE(result);
  CHECK(result->num_turns == 2);
  auto second = rig.provider->requests().at(1);
  REQUIRE(second.messages.size() == 3);
  CHECK(second.messages[1].tool_calls.at(0).id == "c1");
  CHECK(second.messages[2].role == Role::kTool);
  CHECK(second.messages[2].tool_results.at(0).call_id == "c1");
  CHECK(second.messages[2].tool_results.at(0).content == R"(ok: {"path":"src/lib.rs"})");
  REQUIRE(result->tool_calls.size() == 1);
  CHECK(result->tool_calls[0].call.name == "read_file");
  CHECK(rig.events.of<ToolCallStarted>().size() == 1);
  CHECK(rig.events.of<ToolCallFinished>().size() == 1);
  CHECK(rig.sessions.sessions[result->session_id].messages.size() == 4);
}

TEST_CASE("parallel tool calls keep their results in call order") {
  Rig rig;
  rig.tools.handler = [](const ToolCall& c, const tools::ToolContext&) -> Result<ToolResult> {
    // The first call finishes last.
    if (c.id == "a") std::this_thread::sleep_for(std::chrono::milliseconds(30));
    return ToolResult{c.id, c.name, "result " + c.id, false};
  };
  rig.provider->push_calls({call("a", "read_file", {{"path", "a"}}),
                            call("b", "read_file", {{"path", "b"}}),
                            call("c", "read_file", {{"path", "c"}})});
  rig.provider->push_text("done");
  REQUIRE(rig.run("go", "rust-pro"));
  auto results = rig.provider->requests().at(1).messages.at(2).tool_results;
  REQUIRE(results.size() == 3);
  CHECK(results[0].content == "result a");
  CHECK(results[1].content == "result b");
  CHECK(results[2].content == "result c");
}

TEST_CASE("a tool that throws among parallel calls is an error result, and the run goes on") {
  Rig rig;
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(8);
  rig.log = std::make_shared<spdlog::logger>("t", sink);
  rig.tools.handler = [](const ToolCall& c, const tools::ToolContext&) -> Result<ToolResult> {
    // On the workers' threads: escaping them, either exception was std::terminate.
    if (c.id == "b") static_cast<void>(std::stoi("99999999999999999999"));
    if (c.id == "c") throw 42;
    return ToolResult{c.id, c.name, "result " + c.id, false};
  };
  rig.provider->push_calls(
      {call("a", "read_file", {{"path", "a"}}), call("b", "cargo_clippy", nlohmann::json::object()),
       call("c", "read_file", {{"path", "c"}}), call("d", "read_file", {{"path", "d"}})});
  rig.provider->push_text("done");
  auto result = rig.run("go", "rust-pro");
  REQUIRE(result);
  CHECK(result->reason == StopReason::kCompleted);
  CHECK(result->result == "done");
  auto results = rig.provider->requests().at(1).messages.at(2).tool_results;
  REQUIRE(results.size() == 4);
  CHECK(results[0] == ToolResult{"a", "read_file", "result a", false});
  CHECK(results[1].call_id == "b");
  CHECK(results[1].is_error);
  CHECK(results[1].content.starts_with(
      "`cargo_clippy` failed inside agentry (std::out_of_range: stoi); the call did not finish"));
  CHECK(results[2].is_error);
  CHECK(results[2].content.starts_with(
      "`read_file` failed inside agentry (an exception of type int)"));
  CHECK(results[3] == ToolResult{"d", "read_file", "result d", false});
  CHECK(rig.events.of<ToolCallFinished>().size() == 4);
  auto logged = sink->last_formatted();
  REQUIRE(logged.size() == 2);
  for (const auto& line : logged)
    CHECK(line.find("failed inside agentry") != std::string::npos);
}

TEST_CASE("a call that writes runs alone, in the model's order, between the reads around it") {
  Rig rig;
  std::mutex mutex;
  std::condition_variable cv;
  int reads_waiting = 0;
  bool reads_met = false;
  std::vector<std::string> log;
  rig.tools.handler = [&](const ToolCall& c, const tools::ToolContext&) -> Result<ToolResult> {
    std::unique_lock lock(mutex);
    log.push_back("start " + c.id);
    if (c.id == "r1" || c.id == "r2") {
      // The two reads before the edits must be running at the same time: each waits for the
      // other (a serial engine would time out here and the check below would fail).
      ++reads_waiting;
      cv.notify_all();
      reads_met = cv.wait_for(lock, std::chrono::seconds(5), [&] { return reads_waiting == 2; });
    } else {
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      lock.lock();
    }
    log.push_back("end " + c.id);
    return ToolResult{c.id, c.name, "ok " + c.id, false};
  };
  rig.provider->push_calls(
      {call("r1", "read_file", {{"path", "a"}}), call("r2", "read_file", {{"path", "b"}}),
       call("e1", "edit_file", {{"path", "x"}}), call("e2", "edit_file", {{"path", "x"}}),
       call("r3", "cargo_clippy", nlohmann::json::object())});
  rig.provider->push_text("done");
  REQUIRE(rig.run("go", "rust-pro"));
  CHECK(reads_met);
  REQUIRE(log.size() == 10);
  // r1 and r2 in any order, then e1, e2 and r3 each alone and in order.
  CHECK(std::vector<std::string>(log.begin() + 4, log.end()) ==
        std::vector<std::string>{"start e1", "end e1", "start e2", "end e2", "start r3", "end r3"});
  auto results = rig.provider->requests().at(1).messages.at(2).tool_results;
  REQUIRE(results.size() == 5);
  CHECK(results[2].content == "ok e1");
  CHECK(results[4].content == "ok r3");
}

TEST_CASE("identical repeated calls are refused, then the run stops") {
  Rig rig;
  auto same = call("x", "read_file", {{"path", "a"}});
  for (int i = 0; i < 4; ++i)
    rig.provider->push_calls({same});
  auto result = rig.run("loop", "rust-pro");
  REQUIRE(result);
  CHECK(result->reason == StopReason::kLoopDetected);
  CHECK(rig.tools.calls.size() == 2);  // the third is refused, the fourth stops the run
  auto third_answer = rig.provider->requests().at(3).messages.back().tool_results.at(0);
  CHECK(third_answer.is_error);
  CHECK(third_answer.content.find("identical call") != std::string::npos);
}

TEST_CASE("the step limit ends with a summary turn without tools") {
  Rig rig;
  rig.catalog.add([] {
    auto d = agent("stepper", agents::AgentMode::kAll, std::vector<std::string>{"read_file"});
    d.max_steps = 2;
    return d;
  }());
  rig.provider->push_calls({call("1", "read_file", {{"path", "a"}})});
  rig.provider->push_calls({call("2", "read_file", {{"path", "b"}})});
  rig.provider->push_text("summary");
  auto result = rig.run("go", "stepper");
  REQUIRE(result);
  CHECK(result->reason == StopReason::kMaxSteps);
  CHECK(result->result == "summary");
  auto last = rig.provider->requests().at(2);
  CHECK(last.tools.empty());
  CHECK(last.messages.back().text.find("maximum number of steps") != std::string::npos);
}

TEST_CASE("the primary agent delegates through task and gets the child's answer") {
  Rig rig;
  rig.provider->push_calls({call("t1", "task",
                                 {{"description", "fix clippy"},
                                  {"prompt", "make clippy clean"},
                                  {"subagent_type", "rust-pro"}})});
  rig.provider->push_calls({call("r1", "cargo_clippy", nlohmann::json::object())});  // child
  rig.provider->push_text("clippy is clean");                                        // child
  rig.provider->push_text("rust-pro fixed it");                                      // parent
  auto result = rig.run("fix the crate");
  REQUIRE(result);
  CHECK(result->agent == "orchestrator");
  CHECK(result->result == "rust-pro fixed it");
  auto requests = rig.provider->requests();
  REQUIRE(requests.size() == 4);
  // The orchestrator sees the task tool, with rust-pro as the only target.
  auto task_schema = std::find_if(requests[0].tools.begin(), requests[0].tools.end(),
                                  [](auto& s) { return s.name == "task"; });
  REQUIRE(task_schema != requests[0].tools.end());
  CHECK(task_schema->parameters["properties"]["subagent_type"]["enum"] ==
        nlohmann::json::array({"rust-pro"}));
  CHECK(task_schema->description.find("- rust-pro: does rust-pro things") != std::string::npos);
  // The child got the prompt as its task and its own system prompt.
  CHECK(requests[1].messages.at(0).text == "make clippy clean");
  CHECK(requests[1].system.ends_with("You are rust-pro."));
  // The parent got the child's answer and its task id.
  auto answer = requests[3].messages.back().tool_results.at(0);
  CHECK(answer.content.starts_with("clippy is clean"));
  CHECK(answer.content.find("task_id: s2") != std::string::npos);
  // Usage adds up over the tree; tool calls of the child are reported too.
  CHECK(result->usage.input_tokens == 40);
  CHECK(result->tool_calls.size() == 2);
  CHECK(rig.sessions.sessions["s2"].info.parent_id == "s1");
  CHECK(rig.sessions.sessions["s2"].info.parent_call_id == "t1");
  CHECK(rig.events.of<SubagentStarted>().size() == 1);
  CHECK(rig.events.of<SubagentFinished>().at(0).ok);
}

TEST_CASE("an agent whose tools list is a star is offered task and delegates with it") {
  Rig rig;
  rig.catalog.add(agent("lead", agents::AgentMode::kSubagent, std::vector<std::string>{"*"}));
  rig.provider->push_calls(
      {call("t1", "task",
            {{"description", "check"}, {"prompt", "run clippy"}, {"subagent_type", "rust-pro"}})});
  rig.provider->push_text("clean");      // rust-pro
  rig.provider->push_text("all clean");  // lead
  auto result = rig.run("check the crate", "lead");
  REQUIRE(result);
  CHECK(result->result == "all clean");
  auto requests = rig.provider->requests();
  REQUIRE(requests.size() == 3);
  auto task_schema = std::find_if(requests[0].tools.begin(), requests[0].tools.end(),
                                  [](auto& s) { return s.name == "task"; });
  REQUIRE(task_schema != requests[0].tools.end());
  CHECK(task_schema->parameters["properties"]["subagent_type"]["enum"] ==
        nlohmann::json::array({"rust-pro"}));
  CHECK(requests[1].system.ends_with("You are rust-pro."));
  CHECK(requests[2].messages.back().tool_results.at(0).content.starts_with("clean"));
  // Offered the cargo tools through the star, it is told about the toolchain and crate.
  CHECK(requests[0].system.find("no Cargo.toml found") != std::string::npos);
}

TEST_CASE("a subagent without a tools list is not offered task") {
  Rig rig;
  rig.catalog.add(agent("helper", agents::AgentMode::kSubagent));
  rig.provider->push_text("done");
  REQUIRE(rig.run("help", "helper"));
  auto tools = rig.provider->requests().at(0).tools;
  CHECK(std::none_of(tools.begin(), tools.end(), [](auto& s) { return s.name == "task"; }));
}

TEST_CASE("two task calls in one turn run their subagents side by side") {
  Rig rig;
  std::mutex mutex;
  std::condition_variable arrived_cv;
  int arrived = 0;
  auto child_turn = [&](const llm::CompletionRequest& request) -> Result<llm::Completion> {
    std::unique_lock lock(mutex);
    ++arrived;
    arrived_cv.notify_all();
    // Each child waits for the other: only subagents that run at once both get past this.
    bool both = arrived_cv.wait_for(lock, std::chrono::seconds(60), [&] { return arrived == 2; });
    llm::Completion c;
    c.message = Message::assistant((both ? "together: " : "alone: ") + request.messages.at(0).text);
    c.usage = {10, 5, 0, 0};
    c.finish = llm::FinishReason::kStop;
    return c;
  };
  rig.provider->push_calls(
      {call("t1", "task",
            {{"description", "first"}, {"prompt", "fix a"}, {"subagent_type", "rust-pro"}}),
       call("t2", "task",
            {{"description", "second"}, {"prompt", "fix b"}, {"subagent_type", "rust-pro"}})});
  rig.provider->push(child_turn);
  rig.provider->push(child_turn);
  rig.provider->push_text("both fixed");
  auto result = rig.run("fix both");
  REQUIRE(result);
  CHECK(result->result == "both fixed");
  auto answers = rig.provider->requests().back().messages.back().tool_results;
  REQUIRE(answers.size() == 2);
  CHECK(answers[0].call_id == "t1");
  CHECK(answers[0].content.starts_with("together: fix a"));
  CHECK(answers[1].call_id == "t2");
  CHECK(answers[1].content.starts_with("together: fix b"));
  CHECK(result->usage.input_tokens == 40);
  CHECK(rig.events.of<SubagentFinished>().size() == 2);
}

TEST_CASE("a task call with bad arguments goes back to the model as text") {
  Rig rig;
  rig.provider->push_calls({call("t1", "task", {{"prompt", "x"}, {"subagent_type", "nobody"}})});
  rig.provider->push_text("sorry");
  REQUIRE(rig.run("go"));
  auto answer = rig.provider->requests().at(1).messages.back().tool_results.at(0);
  CHECK(answer.is_error);
  CHECK(answer.content == "unknown subagent_type 'nobody'; use one of: rust-pro");
}

TEST_CASE("continuing a session sends its history again") {
  Rig rig;
  rig.provider->push_text("first answer");
  auto first = rig.run("remember 42");
  REQUIRE(first);
  rig.provider->push_text("it was 42");
  RunRequest again;
  again.task = "what number?";
  again.resume_session = first->session_id;
  again.cwd = std::filesystem::temp_directory_path();
  auto second = rig.make().run(again, {});
  REQUIRE(second);
  CHECK(second->session_id == first->session_id);
  auto req = rig.provider->requests().at(1);
  REQUIRE(req.messages.size() == 3);
  CHECK(req.messages[0].text == "remember 42");
  CHECK(req.messages[1].text == "first answer");
  CHECK(req.messages[2].text == "what number?");
}

TEST_CASE("a cancelled run stops before the next model turn and says so") {
  Rig rig;
  std::stop_source source;
  rig.tools.handler = [&](const ToolCall& c, const tools::ToolContext&) -> Result<ToolResult> {
    source.request_stop();
    return ToolResult{c.id, c.name, "partial", false};
  };
  rig.provider->push_calls({call("1", "read_file", {{"path", "a"}})});
  rig.provider->push_text("never sent");
  auto result = rig.run("go", "rust-pro", source.get_token());
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::kCancelled);
  CHECK(rig.provider->requests().size() == 1);
  auto& stored = rig.sessions.sessions["s1"];
  CHECK(stored.status == "cancelled");
  CHECK(stored.messages.size() == 3);  // user, assistant with the call, the call's result
}

TEST_CASE("a model error ends the run with that error") {
  Rig rig;
  rig.provider->push([](const llm::CompletionRequest&) -> Result<llm::Completion> {
    return fail(ErrorCode::kAuth, "401 invalid key", "https://api.example/v1/chat/completions");
  });
  auto result = rig.run("hi");
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::kAuth);
  CHECK(rig.sessions.sessions["s1"].status == "error");
  CHECK(rig.sessions.sessions["s1"].messages.size() == 1);  // the task is kept
  CHECK(rig.events.of<ErrorOccurred>().size() == 1);
}

TEST_CASE("an unknown agent is a not-found error naming it") {
  Rig rig;
  auto result = rig.run("hi", "nobody");
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::kNotFound);
  CHECK(result.error().message == "no agent named 'nobody'");
}

TEST_CASE("fill_template replaces known keys and keeps unknown ones") {
  CHECK(fill_template("a {{x}} b {{y}} c", {{"x", "1"}}) == "a 1 b {{y}} c");
  CHECK(fill_template("{{x}}{{x}}", {{"x", "ab"}}) == "abab");
  CHECK(fill_template("no braces", {}) == "no braces");
  CHECK(fill_template("open {{x", {{"x", "1"}}) == "open {{x");
}

TEST_CASE("git_branch reads HEAD without running git") {
  agentry::testing::TempDir dir;
  dir.write(".git/HEAD", "ref: refs/heads/feature/x\n");
  dir.write("sub/file", "");
  CHECK(git_branch(dir.path() / "sub") == "feature/x");
  dir.write(".git/HEAD", "0123456789abcdef0123456789abcdef01234567\n");
  CHECK(git_branch(dir.path()) == "detached at 0123456789ab");
}

}  // namespace agentry::engine
