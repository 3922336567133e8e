// The Anthropic Messages provider against the fake server.
#include <doctest/doctest.h>

#include "llm/http_provider.hpp"
#include "llm_test_support.hpp"

namespace agentry::llm {
namespace {

using namespace testing;
using nlohmann::json;
using std::chrono::milliseconds;

struct Fixture {
  CurlGlobal curl;
  RecordedWaits waits;
  std::unique_ptr<fakellm::FakeLlmServer> server;
  std::unique_ptr<Provider> provider;

  explicit Fixture(std::string_view yaml) {
    server = start_fake(yaml);
    provider =
        make_test_provider(curl, fake_provider_config(ProviderKind::kAnthropic, *server), waits);
  }
};

TEST_CASE("streamed text and usage, the request carries the Anthropic headers and shape") {
  Fixture f(R"(
- text: "Bonjour, le monde."
  usage: {input: 472, output: 89, cache_read: 10, cache_write: 5}
)");
  Collected got;
  CompletionRequest request = simple_request("salut");
  request.system = "Be brief.";
  request.temperature = 0.5;
  auto c = f.provider->complete(request, got.sink(), {});
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
  CHECK(c->message.text == "Bonjour, le monde.");
  CHECK(got.text_deltas() == 3);
  CHECK(c->finish == FinishReason::kStop);
  CHECK(c->usage == Usage{472, 89, 10, 5});
  CHECK(got.usages() == std::vector<Usage>{Usage{472, 89, 10, 5}});
  CHECK(c->model == "fake-model");

  auto r = f.server->requests().at(0);
  CHECK(r.path == "/v1/messages");
  CHECK(r.header("x-api-key") == "sk-test-SECRET-123");
  CHECK(r.header("anthropic-version") == "2023-06-01");
  CHECK(r.header("authorization").empty());
  CHECK(r.json == json::parse(R"({"model": "fake-model", "max_tokens": 4096,
    "system": [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}],
    "temperature": 0.5, "stream": true,
    "messages": [{"role": "user", "content": [{"type": "text", "text": "salut",
                                               "cache_control": {"type": "ephemeral"}}]}]})"));
}

TEST_CASE(
    "tool_use blocks: fragments with an empty first partial_json, pings, a no-argument tool") {
  Fixture f(R"(
- text: "Let me look."
  tool_calls:
    - {id: toolu_1, name: cargo_check, arguments: {package: a, all_targets: true}}
    - {id: toolu_2, name: list_crates, arguments: {}}
  argument_fragment_chars: 3
)");
  Collected got;
  auto c = f.provider->complete(simple_request(), got.sink(), {});
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
  auto calls = got.calls();
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].id == "toolu_1");
  CHECK(calls[0].arguments == json{{"package", "a"}, {"all_targets", true}});
  CHECK(calls[0].raw_arguments == R"({"all_targets":true,"package":"a"})");
  CHECK(calls[1].id == "toolu_2");
  CHECK(calls[1].arguments == json::object());
  CHECK(c->finish == FinishReason::kToolCalls);
  CHECK(c->message.text == "Let me look.");
  CHECK(c->message.tool_calls == calls);
}

TEST_CASE("overlapping blocks (all stops at the end) and unknown events are handled") {
  Fixture f(R"(
- text: "Two at once."
  tool_calls:
    - {id: toolu_a, name: read_file, arguments: {path: src/lib.rs}}
    - {id: toolu_b, name: read_file, arguments: {path: Cargo.toml}}
  overlap_blocks: true
  unknown_event: true
  comments: true
  line_end: crlf
)");
  Collected got;
  auto c = f.provider->complete(simple_request(), got.sink(), {});
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
  auto calls = got.calls();
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].arguments == json{{"path", "src/lib.rs"}});
  CHECK(calls[1].arguments == json{{"path", "Cargo.toml"}});
  CHECK(c->message.text == "Two at once.");
}

TEST_CASE("history maps to tool_use and tool_result blocks, merged into alternating turns") {
  Fixture f("- when: {turn: 2}\n  text: done\n");
  CompletionRequest request = simple_request("fix it");
  ToolCall a{"toolu_1", "cargo_check", json{{"package", "a"}}, "{\"package\":\"a\"}"};
  ToolCall b{"toolu_2", "cargo_test", nullptr, "not json"};
  request.messages.push_back(Message::assistant("Checking.", {a, b}));
  request.messages.push_back(Message::tool(
      {{"toolu_1", "cargo_check", "ok", false}, {"toolu_2", "cargo_test", "bad arguments", true}}));
  request.messages.push_back(Message::user("and then?"));
  request.tools.push_back({"cargo_check", "Check a package", nullptr});
  Collected got;
  auto c = f.provider->complete(request, got.sink(), {});
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
  auto body = f.server->requests().at(0).json;
  CHECK(body["messages"] == json::parse(R"([
    {"role": "user", "content": [{"type": "text", "text": "fix it",
                                  "cache_control": {"type": "ephemeral"}}]},
    {"role": "assistant", "content": [
      {"type": "text", "text": "Checking."},
      {"type": "tool_use", "id": "toolu_1", "name": "cargo_check", "input": {"package": "a"}},
      {"type": "tool_use", "id": "toolu_2", "name": "cargo_test", "input": {}}]},
    {"role": "user", "content": [
      {"type": "tool_result", "tool_use_id": "toolu_1", "content": "ok"},
      {"type": "tool_result", "tool_use_id": "toolu_2", "content": "bad arguments", "is_error": true},
      {"type": "text", "text": "and then?", "cache_control": {"type": "ephemeral"}}]}])"));
  CHECK(body["tools"] == json::parse(R"([{"name": "cargo_check", "description": "Check a package",
    "input_schema": {"type": "object", "properties": {}},
    "cache_control": {"type": "ephemeral"}}])"));
}

TEST_CASE("a non-streamed message") {
  Fixture f(R"(
- text: "Whole."
  tool_calls: [{id: toolu_9, name: grep, arguments: {pattern: fn}}]
  usage: {input: 5, output: 6}
)");
  Collected got;
  auto c = f.provider->complete(simple_request("x", false), got.sink(), {});
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
  CHECK(c->message.text == "Whole.");
  REQUIRE(c->message.tool_calls.size() == 1);
  CHECK(c->message.tool_calls[0].arguments == json{{"pattern", "fn"}});
  CHECK(c->finish == FinishReason::kToolCalls);
  CHECK(c->usage == Usage{5, 6, 0, 0});
  CHECK(got.events.size() == 3);
  CHECK(f.server->requests().at(0).json["stream"] == false);
}

TEST_CASE("overloaded: an error event mid-stream keeps the text, 529 with retry-after is retried") {
  Fixture late(R"(
- text: "partial answer here"
  faults: [{error_after_events: 5}]
)");
  Collected got;
  auto c = late.provider->complete(simple_request(), got.sink(), {});
  REQUIRE_FALSE(c.has_value());
  CHECK(late.server->request_count() == 1);
  CHECK(c.error().code == ErrorCode::kRateLimited);
  CHECK(c.error().retryable);
  CHECK(c.error().message ==
        "provider 'fake-anthropic': the server reported an error mid-stream: Overloaded "
        "[overloaded_error]");
  CHECK(c.error().where == late.server->url("/v1/messages"));
  CHECK(got.text() == "partial answer ");

  Fixture early(R"(
- text: fine
  faults: [{error_after_events: 2}, {status: 529, retry_after: 1}]
)");
  Collected got2;
  auto c2 = early.provider->complete(simple_request(), got2.sink(), {});
  REQUIRE_MESSAGE(c2.has_value(), (c2 ? "" : c2.error().to_string()));
  CHECK(early.server->request_count() == 3);
  CHECK(early.waits.delays == std::vector<milliseconds>{milliseconds(500), milliseconds(1000)});
  CHECK(got2.text() == "fine");
}

TEST_CASE("an Anthropic 400 body gives the server's message, type and request id") {
  Fixture f(R"(
- text: x
  faults: [{status: 400, error_message: "messages.1: tool_use ids were found without tool_result blocks"}]
)");
  Collected got;
  auto c = f.provider->complete(simple_request(), got.sink(), {});
  REQUIRE_FALSE(c.has_value());
  CHECK(f.server->request_count() == 1);
  CHECK(c.error().message ==
        "provider 'fake-anthropic' answered HTTP 400: messages.1: tool_use ids were found without "
        "tool_result blocks [type invalid_request_error, request id req_fake]");
}

TEST_CASE("max_tokens with a tool call: the call is kept but not announced") {
  Fixture f(R"(
- tool_calls: [{id: toolu_1, name: write_file, arguments: '{"path": "a'}]
  finish_reason: max_tokens
)");
  Collected got;
  auto c = f.provider->complete(simple_request(), got.sink(), {});
  REQUIRE(c.has_value());
  CHECK(c->finish == FinishReason::kLength);
  CHECK(got.calls().empty());
  REQUIRE(c->message.tool_calls.size() == 1);
  CHECK(c->message.tool_calls[0].arguments.is_null());
}

TEST_CASE("a stream that closes before message_stop is truncated") {
  Fixture f("- text: 'a b c d e f'\n  faults: [{cut_after_bytes: 900}]\n");
  Collected got;
  auto c = f.provider->complete(simple_request(), got.sink(), {});
  REQUIRE_FALSE(c.has_value());
  CHECK(c.error().retryable);
  CHECK(c.error().message.find("broke after") != std::string::npos);
  CHECK(got.text().size() < std::string("a b c d e f").size());
  CHECK_FALSE(got.text().empty());
}

// Bug 16.4: stop_reason pause_turn was taken as the finished answer. The turn must be continued:
// the paused content goes back exactly as it came (thinking with its signature, server tool
// blocks, a block type agentry does not know) and the answer is the text of both responses.
TEST_CASE("pause_turn: the turn is continued with the paused content sent back verbatim") {
  const char* script = R"(
- when: {turn: 1}
  thinking: "I should search."
  server_blocks:
    - {type: server_tool_use, id: srvtoolu_1, name: web_search, input: {query: "rust 1.80"}}
    - type: web_search_tool_result
      tool_use_id: srvtoolu_1
      content: [{type: web_search_result, url: "https://blog.rust-lang.org/", title: "Rust 1.80",
                 encrypted_content: "EqgfCioIARgBIiQ3", page_age: null}]
    - {type: future_block, payload: {nested: [1, "two", null]}}
  text: "Searching the web. "
  finish_reason: pause_turn
  usage: {input: 100, output: 20}
- when: {turn: 2}
  text: "Rust 1.80 stabilised LazyLock."
  usage: {input: 150, output: 10}
)";
  const json paused = json::parse(R"([
    {"type": "thinking", "thinking": "I should search.",
     "signature": "fakesig_137f6d392338285018503588928cd891"},
    {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search",
     "input": {"query": "rust 1.80"}},
    {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1",
     "content": [{"type": "web_search_result", "url": "https://blog.rust-lang.org/",
                  "title": "Rust 1.80", "encrypted_content": "EqgfCioIARgBIiQ3",
                  "page_age": null}]},
    {"type": "future_block", "payload": {"nested": [1, "two", null]}},
    {"type": "text", "text": "Searching the web. "}])");
  for (bool stream : {true, false}) {
    CAPTURE(stream);
    Fixture f(script);
    Collected got;
    auto c =
        f.provider->complete(simple_request("what is new in rust 1.80?", stream), got.sink(), {});
    REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
    CHECK(c->message.text == "Searching the web. Rust 1.80 stabilised LazyLock.");
    CHECK(got.text() == "Searching the web. Rust 1.80 stabilised LazyLock.");
    CHECK(c->finish == FinishReason::kStop);
    CHECK(c->usage == Usage{250, 30, 0, 0});
    CHECK(c->paused_content.is_null());
    auto requests = f.server->requests();
    REQUIRE(requests.size() == 2);
    json first = requests[0].json;
    json second = requests[1].json;
    CHECK(second["messages"].size() == 2);
    CHECK(second["messages"][0] == first["messages"][0]);
    CHECK(second["messages"][1] == json{{"role", "assistant"}, {"content", paused}});
    second.erase("messages");
    first.erase("messages");
    CHECK(second == first);  // model, max_tokens, stream: the same request, continued
  }
}

TEST_CASE("pause_turn: continuations are bounded, then the call fails and says so") {
  Fixture f(R"(
- when: {turn: 1}
  text: "a"
  finish_reason: pause_turn
- when: {turn: 2}
  server_blocks: [{type: server_tool_use, id: srvtoolu_2, name: code_execution, input: {}}]
  text: "b"
  finish_reason: pause_turn
)");
  Collected got;
  auto c = f.provider->complete(simple_request(), got.sink(), {});
  REQUIRE_FALSE(c.has_value());
  CHECK(c.error().code == ErrorCode::kLimit);
  CHECK(c.error().message.find("paused the turn") != std::string::npos);
  CHECK(c.error().message.find("gave up after 5 continuations") != std::string::npos);
  CHECK(got.text() == "abbbbb");
  auto requests = f.server->requests();
  REQUIRE(requests.size() == 1 + HttpProvider::kMaxContinuations);
  // Each continuation carries every paused response so far, in one assistant message.
  const json& last = requests.back().json["messages"];
  REQUIRE(last.size() == 2);
  CHECK(last[1]["content"].size() == 1 + 2 * 4);
  CHECK(last[1]["content"].back() == json{{"type", "text"}, {"text", "b"}});
}

}  // namespace
}  // namespace agentry::llm
