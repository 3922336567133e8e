#include "cli/mcp/mcp_server.hpp"

#include <atomic>
#include <sstream>

#include <doctest/doctest.h>

#include "cli/mcp/fake_runner.hpp"
#include "engine/event_json.hpp"
#include "support/temp_dir.hpp"

namespace agentry::cli::mcp {

using agents::AgentMode;
using nlohmann::json;
using testing::FakeRunner;
using testing::Gate;
using testing::Harness;
using testing::make_agent;

namespace {

std::vector<agents::AgentDefinition> default_agents() {
  return {make_agent("orchestrator", AgentMode::kPrimary),
          make_agent("rust-pro", AgentMode::kSubagent, "Rust expert")};
}

int error_code(const json& response) {
  REQUIRE(response.is_object());
  REQUIRE(response.contains("error"));
  return response["error"]["code"].get<int>();
}

std::vector<json> with_method(const std::vector<json>& messages, const std::string& method) {
  std::vector<json> out;
  for (const auto& m : messages)
    if (m.value("method", "") == method) out.push_back(m);
  return out;
}

}  // namespace

TEST_CASE("initialize echoes a supported version and answers others with the newest") {
  for (const char* version : {"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"}) {
    CAPTURE(version);
    Harness h(default_agents());
    h.initialize(version);
    json r = h.response(0);
    REQUIRE(r.contains("result"));
    CHECK(r["result"]["protocolVersion"] == version);
    CHECK(r["result"]["capabilities"] == json{{"tools", {{"listChanged", false}}}});
    CHECK(r["result"]["serverInfo"]["name"] == "agentry");
    CHECK(r["result"]["serverInfo"]["version"] == AGENTRY_VERSION);
    CHECK(r["result"]["instructions"].is_string());
  }
  Harness h(default_agents());
  h.initialize("2099-01-01");
  CHECK(h.response(0)["result"]["protocolVersion"] == "2025-11-25");
}

TEST_CASE("initialize: bad params, and only once") {
  Harness h(default_agents());
  h.send(h.request(1, "initialize", {{"capabilities", json::object()}}));
  json bad = h.response(1);
  CHECK(error_code(bad) == kInvalidParams);
  CHECK(bad["error"]["data"]["supported"] ==
        json{"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"});
  h.initialize();
  h.send(h.request(2, "initialize", {{"protocolVersion", "2025-11-25"}}));
  CHECK(error_code(h.response(2)) == kInvalidRequest);
}

TEST_CASE("before initialize: ping works, server/discover gets -32601, tools/* are refused") {
  Harness h(default_agents());
  h.send(h.request("d", "server/discover"));
  h.send(h.request("p", "ping"));
  h.send(h.request("l", "tools/list"));
  h.send(h.request("c", "tools/call", {{"name", "rust-pro"}, {"arguments", {{"task", "x"}}}}));
  CHECK(error_code(h.response("d")) == kMethodNotFound);
  CHECK(h.response("d")["error"]["message"] == "Method not found: server/discover");
  CHECK(h.response("p")["result"] == json::object());
  CHECK(error_code(h.response("l")) == kInvalidRequest);
  CHECK(error_code(h.response("c")) == kInvalidRequest);
  CHECK(h.runner.requests().empty());
}

TEST_CASE("every protocol error gets its code and the server stays up") {
  Harness h(default_agents());
  h.initialize();
  h.send_raw("this is not json");
  h.send_raw(R"({"jsonrpc":"2.0","id":1})");
  h.send_raw("[]");
  h.send(h.request(2, "resources/list"));
  h.send(h.request(3, "tools/call", {{"name", "no-such-tool"}, {"arguments", json::object()}}));
  h.send_raw(R"({"jsonrpc":"2.0","id":4,"method":"tools/call","params":[1]})");
  h.send(h.request(5, "tools/call", {{"arguments", json::object()}}));
  h.send(h.request(6, "tools/call", {{"name", "rust-pro"}, {"arguments", "task"}}));
  h.send(h.request(7, "tools/list", {{"cursor", "abc"}}));
  h.send({{"jsonrpc", "2.0"}, {"method", "notifications/unknown"}});
  h.send({{"jsonrpc", "2.0"}, {"id", 99}, {"result", json::object()}});  // a stray response
  h.send_raw("   ");
  h.send(h.request(8, "ping"));

  auto messages = h.messages();
  REQUIRE(messages.size() == 11);  // initialize + 10 answers: notifications and the rest get none
  CHECK(messages[1]["id"].is_null());
  CHECK(error_code(messages[1]) == kParseError);
  CHECK(messages[2]["id"] == 1);
  CHECK(error_code(messages[2]) == kInvalidRequest);
  CHECK(messages[3]["id"].is_null());
  CHECK(error_code(messages[3]) == kInvalidRequest);
  CHECK(error_code(h.response(2)) == kMethodNotFound);
  CHECK(error_code(h.response(3)) == kInvalidParams);
  CHECK(h.response(3)["error"]["message"] == "Unknown tool: no-such-tool");
  CHECK(error_code(h.response(4)) == kInvalidParams);
  CHECK(error_code(h.response(5)) == kInvalidParams);
  CHECK(error_code(h.response(6)) == kInvalidParams);
  CHECK(error_code(h.response(7)) == kInvalidParams);
  CHECK(h.response(8)["result"] == json::object());
  CHECK(h.runner.requests().empty());
}

TEST_CASE("tools/list lists the agents and list_agents, list_agents answers inline") {
  Harness h(default_agents());
  h.initialize();
  h.send(h.request("t", "tools/list"));
  json tools = h.response("t")["result"]["tools"];
  REQUIRE(tools.size() == 2);
  CHECK(tools[0]["name"] == "rust-pro");
  CHECK(tools[1]["name"] == "list_agents");
  h.call("la", "list_agents", json::object());
  json r = h.response("la")["result"];
  CHECK(r["isError"] == false);
  CHECK(r["structuredContent"]["agents"][0]["agent"] == "rust-pro");
  h.call("la2", "list_agents", {{"x", 1}});
  CHECK(h.response("la2")["result"]["isError"] == true);
}

TEST_CASE("tools/call runs the agent with the request's fields and returns its result") {
  agentry::testing::TempDir root;
  root.write("crate/Cargo.toml", "[package]\n");
  ServerOptions options;
  options.roots = {root.path()};
  options.permission_mode = engine::PermissionMode::kAcceptEdits;
  Harness h(default_agents(), options);
  h.initialize();
  h.call("c1", "rust-pro", {{"task", "fix the build"}, {"cwd", "crate"}, {"session_id", "s-9"}});
  json r = h.response("c1");
  REQUIRE(r.contains("result"));
  CHECK(r["result"]["isError"] == false);
  CHECK(r["result"]["content"][0]["text"] == "done: fix the build");
  CHECK(r["result"]["structuredContent"]["session_id"] == "s-9");
  CHECK(r["result"]["structuredContent"]["usage"]["input_tokens"] == 100);
  CHECK(r["result"]["structuredContent"]["total_cost_usd"] == 0.5);

  auto requests = h.runner.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].agent == "rust-pro");
  CHECK(requests[0].task == "fix the build");
  CHECK(requests[0].cwd == std::filesystem::canonical(root.path()) / "crate");
  CHECK(requests[0].session_id == "s-9");
  CHECK(requests[0].permission_mode == engine::PermissionMode::kAcceptEdits);
}

TEST_CASE("tools/call: bad arguments and a cwd outside the roots are isError results") {
  agentry::testing::TempDir root;
  agentry::testing::TempDir elsewhere;
  ServerOptions options;
  options.roots = {root.path()};
  Harness h(default_agents(), options);
  h.initialize();
  h.call(1, "rust-pro", {{"cwd", "."}});
  h.call(2, "rust-pro", {{"task", "t"}, {"cwd", elsewhere.path().string()}});
  json missing = h.response(1)["result"];
  CHECK(missing["isError"] == true);
  CHECK(missing["content"][0]["text"] ==
        "rust-pro: `task` is required: describe what the agent should do");
  json outside = h.response(2)["result"];
  CHECK(outside["isError"] == true);
  CHECK(outside["content"][0]["text"].get<std::string>().find("is outside the roots") !=
        std::string::npos);
  CHECK(h.runner.requests().empty());
}

TEST_CASE("tools/call: a failed run is an isError result with the error") {
  Harness h(default_agents());
  h.runner.behaviour = [](const engine::TaskRequest&, engine::EventSink&, std::stop_token) {
    return Result<engine::RunResult>(
        fail(ErrorCode::kNotFound, "no session s-1", "session s-1", "start without session_id"));
  };
  h.initialize();
  h.call("x", "rust-pro", {{"task", "t"}, {"session_id", "s-1"}});
  json r = h.response("x")["result"];
  CHECK(r["isError"] == true);
  CHECK(r["content"][0]["text"] ==
        "agentry could not finish the task: session s-1: no session s-1 (start without "
        "session_id)");
  CHECK(r["structuredContent"]["error"]["code"] == "not_found");
  CHECK(r["structuredContent"]["session_id"] == "s-1");
}

TEST_CASE("tools/call: a runner that throws becomes an internal isError result") {
  Harness h(default_agents());
  h.runner.behaviour = [](const engine::TaskRequest&, engine::EventSink&,
                          std::stop_token) -> Result<engine::RunResult> {
    throw std::runtime_error("boom");
  };
  h.initialize();
  h.call(1, "rust-pro", {{"task", "t"}});
  h.send(h.request(2, "ping"));
  json r = h.response(1)["result"];
  CHECK(r["isError"] == true);
  CHECK(r["structuredContent"]["error"]["code"] == "internal");
  CHECK(h.response(2)["result"] == json::object());
}

TEST_CASE("two calls at once both run concurrently and are both answered") {
  Harness h(default_agents());
  Gate started;
  h.runner.behaviour = [&](const engine::TaskRequest& r, engine::EventSink&, std::stop_token) {
    started.arrive();
    // Each waits for the other: only concurrent runs get past this.
    bool both = started.wait_for(2);
    return Result<engine::RunResult>(testing::finished(r, both ? "together" : "alone"));
  };
  h.initialize();
  h.call(1, "rust-pro", {{"task", "a"}});
  h.call(2, "rust-pro", {{"task", "b"}});
  CHECK(h.response(1)["result"]["content"][0]["text"] == "together");
  CHECK(h.response(2)["result"]["content"][0]["text"] == "together");
}

TEST_CASE("calls beyond --max-concurrent wait for a free slot") {
  ServerOptions options;
  options.max_concurrent = 1;
  Harness h(default_agents(), options);
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  Gate first_started;
  Gate release;
  h.runner.behaviour = [&](const engine::TaskRequest& r, engine::EventSink&, std::stop_token stop) {
    int now = ++running;
    most = std::max(most.load(), now);
    first_started.arrive();
    release.wait_or_stop(stop);
    --running;
    return Result<engine::RunResult>(testing::finished(r, r.task));
  };
  h.initialize();
  h.call(1, "rust-pro", {{"task", "a"}});
  h.call(2, "rust-pro", {{"task", "b"}});
  REQUIRE(first_started.wait_for(1));
  h.send(h.request("p", "ping"));  // the reader is not blocked by the busy pool
  release.arrive();
  CHECK(h.response(1)["result"]["content"][0]["text"] == "a");
  CHECK(h.response(2)["result"]["content"][0]["text"] == "b");
  CHECK(h.response("p")["result"] == json::object());
  CHECK(most == 1);
}

TEST_CASE("notifications/cancelled stops that call's token and no response is sent") {
  Harness h(default_agents());
  Gate started;
  Gate never;
  std::atomic<int> stopped{0};
  h.runner.behaviour = [&](const engine::TaskRequest& r, engine::EventSink&, std::stop_token stop) {
    started.arrive();
    if (r.task == "long" && never.wait_or_stop(stop)) {
      ++stopped;
      return Result<engine::RunResult>(fail(ErrorCode::kCancelled, "cancelled"));
    }
    return Result<engine::RunResult>(testing::finished(r, r.task));
  };
  h.initialize();
  h.call(7, "rust-pro", {{"task", "long"}});
  h.call(8, "rust-pro", {{"task", "short"}});
  REQUIRE(started.wait_for(2));
  h.send({{"jsonrpc", "2.0"},
          {"method", "notifications/cancelled"},
          {"params", {{"requestId", 7}, {"reason", "user abort"}}}});
  h.send({{"jsonrpc", "2.0"},
          {"method", "notifications/cancelled"},
          {"params", {{"requestId", 12345}}}});  // unknown ids are ignored
  CHECK(h.response(7).is_null());
  CHECK(h.response(8)["result"]["content"][0]["text"] == "short");
  CHECK(stopped == 1);
  h.call(7, "rust-pro", {{"task", "again"}});  // the id is free again
  CHECK(h.response(7)["result"]["content"][0]["text"] == "again");
}

TEST_CASE("notifications/cancelled accepts the id with the other JSON type") {
  Harness h(default_agents());
  Gate started;
  Gate never;
  std::atomic<bool> stopped{false};
  h.runner.behaviour = [&](const engine::TaskRequest&, engine::EventSink&, std::stop_token stop) {
    started.arrive();
    stopped = never.wait_or_stop(stop);
    return Result<engine::RunResult>(fail(ErrorCode::kCancelled, "cancelled"));
  };
  h.initialize();
  h.call(42, "rust-pro", {{"task", "t"}});
  REQUIRE(started.wait_for(1));
  h.send({{"jsonrpc", "2.0"},
          {"method", "notifications/cancelled"},
          {"params", {{"requestId", "42"}}}});
  CHECK(h.response(42).is_null());
  CHECK(stopped);
}

TEST_CASE("a duplicate id while its call runs is an invalid request") {
  Harness h(default_agents());
  Gate started;
  Gate release;
  h.runner.behaviour = [&](const engine::TaskRequest& r, engine::EventSink&, std::stop_token stop) {
    started.arrive();
    release.wait_or_stop(stop);
    return Result<engine::RunResult>(testing::finished(r, r.task));
  };
  h.initialize();
  h.call("same", "rust-pro", {{"task", "first"}});
  REQUIRE(started.wait_for(1));
  h.call("same", "rust-pro", {{"task", "second"}});
  auto before = h.out.str();
  CHECK(before.find("already used by a call in progress") != std::string::npos);
  release.arrive();
  auto messages = h.messages();
  int results = 0;
  for (const auto& m : messages)
    if (m.value("id", json()) == "same" && m.contains("result")) ++results;
  CHECK(results == 1);
  CHECK(h.runner.requests().size() == 1);
}

TEST_CASE("progress notifications carry the request's token and come before the result") {
  Harness h(default_agents());
  h.runner.behaviour = [](const engine::TaskRequest& r, engine::EventSink& events,
                          std::stop_token) {
    engine::Origin o{"s1", r.agent, 0};
    ToolCall call{"c1", "cargo_check", json::object(), ""};
    events.on_event(engine::ToolCallStarted{o, call});
    events.on_event(engine::ToolCallFinished{o, call, {"c1", "cargo_check", "ok", false}, 5});
    events.on_event(engine::SubagentStarted{o, "s2", "helper", "dig"});
    return Result<engine::RunResult>(testing::finished(r, "ok"));
  };
  h.initialize();
  h.call(1, "rust-pro", {{"task", "a"}}, "tok-1");
  h.call(2, "rust-pro", {{"task", "b"}}, 77);
  h.call(3, "rust-pro", {{"task", "c"}});
  auto messages = h.messages();
  auto progress = with_method(messages, "notifications/progress");
  REQUIRE(progress.size() == 6);
  std::map<json, std::vector<int>> by_token;
  for (const auto& p : progress)
    by_token[p["params"]["progressToken"]].push_back(p["params"]["progress"].get<int>());
  CHECK(by_token[json("tok-1")] == std::vector<int>{1, 2, 3});
  CHECK(by_token[json(77)] == std::vector<int>{1, 2, 3});
  CHECK(by_token.size() == 2);
  // Each call's notifications precede its response.
  for (const auto& [token, id] : {std::pair<json, json>{"tok-1", 1}, {77, 2}}) {
    std::size_t last_progress = 0;
    std::size_t response = 0;
    for (std::size_t i = 0; i < messages.size(); ++i) {
      if (messages[i].value("method", "") == "notifications/progress" &&
          messages[i]["params"]["progressToken"] == token)
        last_progress = i;
      if (messages[i].contains("id") && messages[i]["id"] == id) response = i;
    }
    CHECK(last_progress < response);
  }
}

/// Input that holds back its end until `gate` is passed, so a test knows what runs at EOF.
class HeldEndInput : public std::streambuf {
 public:
  HeldEndInput(std::string text, Gate& gate) : text_(std::move(text)), gate_(gate) {}

 protected:
  int_type underflow() override {
    if (!served_) {
      served_ = true;
      setg(text_.data(), text_.data(), text_.data() + text_.size());
      return traits_type::to_int_type(text_[0]);
    }
    gate_.wait_for(1);
    return traits_type::eof();
  }

 private:
  std::string text_;
  Gate& gate_;
  bool served_ = false;
};

TEST_CASE("serve: end of input cancels running calls, waits for them, sends no response") {
  Harness h(default_agents());
  Gate started;
  Gate never;
  std::atomic<bool> stopped{false};
  h.runner.behaviour = [&](const engine::TaskRequest&, engine::EventSink&, std::stop_token stop) {
    started.arrive();
    stopped = never.wait_or_stop(stop);
    return Result<engine::RunResult>(fail(ErrorCode::kCancelled, "cancelled"));
  };
  HeldEndInput input(
      R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18"}})"
      "\n"
      R"({"jsonrpc":"2.0","method":"notifications/initialized"})"
      "\n"
      R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"rust-pro","arguments":{"task":"t"}}})"
      "\n",
      started);
  std::istream in(&input);
  h.server->serve(in);
  CHECK(stopped);
  auto messages = h.messages();
  REQUIRE(messages.size() == 1);
  CHECK(messages[0]["result"]["protocolVersion"] == "2025-06-18");
}

TEST_CASE("serve: an over-long line gets -32600 and the next line is served") {
  ServerOptions options;
  options.max_line_bytes = 64;
  Harness h(default_agents(), options);
  std::istringstream in(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":")" +
                        std::string(100, 'x') + "\"}}\r\n" +
                        R"({"jsonrpc":"2.0","id":2,"method":"ping"})" + "\r\n");
  h.server->serve(in);
  auto messages = h.messages();
  REQUIRE(messages.size() == 2);
  CHECK(messages[0]["id"].is_null());
  CHECK(error_code(messages[0]) == kInvalidRequest);
  CHECK(messages[0]["error"]["message"] ==
        "Invalid Request: message longer than 64 bytes; it was skipped");
  CHECK(messages[1]["id"] == 2);
}

TEST_CASE("serve: a request nested 100000 levels deep gets -32700 and the next line is served") {
  Harness h(default_agents(), ServerOptions{});
  std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  std::istringstream in(
      R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"rust-pro","arguments":)" +
      deep + "}}\n" + R"({"jsonrpc":"2.0","id":2,"method":"ping"})" + "\n");
  h.server->serve(in);
  auto messages = h.messages();
  REQUIRE(messages.size() == 2);
  CHECK(messages[0]["id"].is_null());
  CHECK(error_code(messages[0]) == kParseError);
  CHECK(messages[0]["error"]["message"] == "Parse error: JSON nested deeper than 512 levels");
  CHECK(messages[1]["id"] == 2);
}

TEST_CASE("create refuses an unknown --agent and a root that is not a directory") {
  FakeRunner runner(default_agents());
  std::ostringstream out;
  ServerOptions unknown;
  unknown.agents = {"nope"};
  unknown.roots = {std::filesystem::current_path()};
  auto a = McpServer::create(runner, unknown, out, nullptr);
  REQUIRE_FALSE(a.has_value());
  CHECK(a.error().code == ErrorCode::kUsage);

  ServerOptions bad_root;
  bad_root.roots = {"/no/such/dir/anywhere"};
  auto b = McpServer::create(runner, bad_root, out, nullptr);
  REQUIRE_FALSE(b.has_value());
  CHECK(b.error().message == "root /no/such/dir/anywhere is not a directory");
  CHECK(out.str().empty());
}

}  // namespace agentry::cli::mcp
