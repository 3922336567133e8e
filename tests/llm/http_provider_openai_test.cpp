// The OpenAI-compatible provider against the fake server: what it sends, what it makes of
// streamed and whole answers, and the servers' deviations (PROTOCOLS.md §2.5).
#include <doctest/doctest.h>

#include "llm/http_provider.hpp"
#include "llm_test_support.hpp"

namespace agentry::llm {
namespace {

using namespace testing;
using nlohmann::json;

TEST_CASE("streamed text arrives as deltas, then usage, the request is what OpenAI expects") {
  CurlGlobal curl;
  RecordedWaits waits;
  auto server = start_fake(R"(
turns:
  - text: "Hello there, friend."
    usage: {input: 12, output: 5}
)");
  auto provider =
      make_test_provider(curl, fake_provider_config(ProviderKind::kOpenAi, *server), waits);
  Collected got;
  CompletionRequest request = simple_request("hello");
  request.system = "You are terse.";
  request.temperature = 0.2;
  request.max_tokens = 64;
  auto c = provider->complete(request, got.sink(), {});
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
  CHECK(c->message.role == Role::kAssistant);
  CHECK(c->message.text == "Hello there, friend.");
  CHECK(c->finish == FinishReason::kStop);
  CHECK(c->model == "fake-model");
  CHECK(c->usage == Usage{12, 5, 0, 0});
  CHECK(got.text_deltas() == 3);
  CHECK(got.text() == "Hello there, friend.");
  REQUIRE(got.usages().size() == 1);
  CHECK(std::holds_alternative<UsageReport>(got.events.back()));

  auto requests = server->requests();
  REQUIRE(requests.size() == 1);
  const auto& r = requests[0];
  CHECK(r.method == "POST");
  CHECK(r.path == "/v1/chat/completions");
  CHECK(r.header("authorization") == "Bearer sk-test-SECRET-123");
  CHECK(r.header("content-type") == "application/json");
  CHECK(r.json == json::parse(R"({
    "model": "fake-model",
    "messages": [{"role": "system", "content": "You are terse."},
                 {"role": "user", "content": "hello"}],
    "temperature": 0.2, "max_tokens": 64,
    "stream": true, "stream_options": {"include_usage": true}})"));
}

TEST_CASE("a non-streamed answer gives the same completion and events") {
  CurlGlobal curl;
  RecordedWaits waits;
  auto server = start_fake(R"(
- text: "Whole answer."
  tool_calls: [{id: call_9, name: read_file, arguments: {path: a.rs}}]
  usage: {input: 3, output: 4, cache_read: 2}
)");
  auto provider =
      make_test_provider(curl, fake_provider_config(ProviderKind::kOpenAi, *server), waits);
  Collected got;
  auto c = provider->complete(simple_request("hi", false), got.sink(), {});
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
  CHECK(c->message.text == "Whole answer.");
  REQUIRE(c->message.tool_calls.size() == 1);
  CHECK(c->message.tool_calls[0].id == "call_9");
  CHECK(c->message.tool_calls[0].arguments == json{{"path", "a.rs"}});
  CHECK(c->finish == FinishReason::kToolCalls);
  CHECK(c->usage == Usage{3, 4, 2, 0});  // prompt_tokens 5 = 3 uncached + 2 cached
  REQUIRE(got.events.size() == 3);
  CHECK(got.text() == "Whole answer.");
  CHECK(got.calls().size() == 1);
  auto body = server->requests().at(0).json;
  CHECK(body["stream"] == false);
  CHECK_FALSE(body.contains("stream_options"));
}

TEST_CASE("a tool call whose arguments arrive in many fragments is joined exactly") {
  CurlGlobal curl;
  RecordedWaits waits;
  auto server = start_fake(R"(
- tool_calls:
    - id: call_1
      name: cargo_check
      arguments: '{"package":"a","features":["x","y"],"all_targets":true,"note":"h\u00e9 \"q\""}'
  argument_fragment_chars: 2
  usage: {input: 120, output: 18}
)");
  auto provider =
      make_test_provider(curl, fake_provider_config(ProviderKind::kOpenAi, *server), waits);
  Collected got;
  auto c = provider->complete(simple_request(), got.sink(), {});
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
  auto calls = got.calls();
  REQUIRE(calls.size() == 1);
  const ToolCall& call = calls[0];
  CHECK(call.id == "call_1");
  CHECK(call.name == "cargo_check");
  CHECK(call.raw_arguments ==
        R"({"package":"a","features":["x","y"],"all_targets":true,"note":"h\u00e9 \"q\""})");
  CHECK(call.arguments == json{{"package", "a"},
                               {"features", {"x", "y"}},
                               {"all_targets", true},
                               {"note", "h\xC3\xA9 \"q\""}});
  CHECK(c->finish == FinishReason::kToolCalls);
  CHECK(c->message.text.empty());
  CHECK(c->message.tool_calls == got.calls());
}

TEST_CASE("parallel tool calls with interleaved fragments are told apart by index") {
  CurlGlobal curl;
  RecordedWaits waits;
  auto server = start_fake(R"(
- text: "Checking both."
  tool_calls:
    - {id: call_a, name: cargo_check, arguments: {package: alpha}}
    - {id: call_b, name: cargo_clippy, arguments: {package: beta, fix: false}}
    - {id: call_c, name: list_files, arguments: {}}
  argument_fragment_chars: 4
)");
  auto provider =
      make_test_provider(curl, fake_provider_config(ProviderKind::kOpenAi, *server), waits);
  Collected got;
  auto c = provider->complete(simple_request(), got.sink(), {});
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
  auto calls = got.calls();
  REQUIRE(calls.size() == 3);
  CHECK(calls[0].id == "call_a");
  CHECK(calls[0].arguments == json{{"package", "alpha"}});
  CHECK(calls[1].id == "call_b");
  CHECK(calls[1].name == "cargo_clippy");
  CHECK(calls[1].arguments == json{{"package", "beta"}, {"fix", false}});
  CHECK(calls[2].arguments == json::object());
  CHECK(c->message.text == "Checking both.");
}

TEST_CASE("history with tool calls and results is replayed byte for byte") {
  CurlGlobal curl;
  RecordedWaits waits;
  auto server = start_fake(R"(
- when: {turn: 2}
  text: "Fixed."
)");
  auto provider =
      make_test_provider(curl, fake_provider_config(ProviderKind::kOpenAi, *server), waits);
  CompletionRequest request = simple_request("check it");
  ToolCall call{"call_1", "cargo_check", json{{"package", "a"}}, "{\"package\": \"a\"}"};
  request.messages.push_back(Message::assistant("", {call}));
  request.messages.push_back(
      Message::tool({{"call_1", "cargo_check", "error[E0308]: mismatched types", true}}));
  request.tools.push_back({"cargo_check", "Run cargo check", json{{"type", "object"}}});
  Collected got;
  auto c = provider->complete(request, got.sink(), {});
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
  CHECK(c->message.text == "Fixed.");
  auto body = server->requests().at(0).json;
  CHECK(body["messages"] == json::parse(R"([
    {"role": "user", "content": "check it"},
    {"role": "assistant", "content": null, "tool_calls": [
      {"id": "call_1", "type": "function",
       "function": {"name": "cargo_check", "arguments": "{\"package\": \"a\"}"}}]},
    {"role": "tool", "tool_call_id": "call_1", "content": "error[E0308]: mismatched types"}])"));
  CHECK(body["tools"] == json::parse(R"([{"type": "function", "function": {
    "name": "cargo_check", "description": "Run cargo check", "parameters": {"type": "object"}}}])"));
}

TEST_CASE("server deviations: whole calls, missing ids, arguments as an object") {
  CurlGlobal curl;
  RecordedWaits waits;
  auto server = start_fake(R"(
- tool_calls: [{name: cargo_check, arguments: {package: a}}]
  whole_tool_calls: true
  finish_reason: stop
- tool_calls: [{name: cargo_test, arguments: {package: b}}, {name: cargo_fmt, arguments: {}}]
  missing_ids: true
- tool_calls: [{id: call_obj, name: cargo_check, arguments: {package: c}}]
  arguments_as_object: true
- tool_calls: [{id: call_bad, name: cargo_check, arguments: '{"package": '}]
)");
  auto provider =
      make_test_provider(curl, fake_provider_config(ProviderKind::kOpenAi, *server), waits);

  {
    Collected got;
    auto c = provider->complete(simple_request(), got.sink(), {});
    REQUIRE(c.has_value());
    REQUIRE(got.calls().size() == 1);
    CHECK(got.calls()[0].arguments == json{{"package", "a"}});
    CHECK(c->finish == FinishReason::kToolCalls);  // tool calls reported with "stop"
  }
  {
    Collected got;
    auto c = provider->complete(simple_request(), got.sink(), {});
    REQUIRE(c.has_value());
    auto calls = got.calls();
    REQUIRE(calls.size() == 2);
    for (const auto& call : calls) {
      CHECK(call.id.size() == 9);
      CHECK(call.id.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") ==
            std::string::npos);
    }
    CHECK(calls[0].id != calls[1].id);
    CHECK(c->message.tool_calls[0].id == calls[0].id);  // the same id goes into the history
  }
  {
    Collected got;
    auto c = provider->complete(simple_request(), got.sink(), {});
    REQUIRE(c.has_value());
    REQUIRE(got.calls().size() == 1);
    CHECK(got.calls()[0].raw_arguments == R"({"package":"c"})");
    CHECK(got.calls()[0].arguments == json{{"package", "c"}});
  }
  {
    Collected got;
    auto c = provider->complete(simple_request(), got.sink(), {});
    REQUIRE(c.has_value());
    REQUIRE(got.calls().size() == 1);
    CHECK(got.calls()[0].raw_arguments == R"({"package": )");
    CHECK(got.calls()[0].arguments.is_null());  // invalid JSON: the engine answers with an error
  }
}

TEST_CASE("SSE variants: comments, data: without space, CRLF, BOM, no [DONE], split writes") {
  CurlGlobal curl;
  RecordedWaits waits;
  auto server = start_fake(R"(
- text: "caf\u00e9 ol\u00e9 na\u00efve words here"
  comments: true
  sse_no_space: true
  line_end: crlf
  bom: true
  omit_done: true
  write_split_bytes: 3
  empty_first_chunk: true
  usage: {input: 1, output: 2}
- text: "carriage returns only"
  line_end: cr
  write_split_bytes: 1
)");
  auto provider =
      make_test_provider(curl, fake_provider_config(ProviderKind::kOpenAi, *server), waits);
  Collected got;
  auto c = provider->complete(simple_request(), got.sink(), {});
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
  CHECK(c->message.text == "caf\xC3\xA9 ol\xC3\xA9 na\xC3\xAFve words here");
  CHECK(c->usage == Usage{1, 2, 0, 0});
  Collected got2;
  auto c2 = provider->complete(simple_request(), got2.sink(), {});
  REQUIRE_MESSAGE(c2.has_value(), (c2 ? "" : c2.error().to_string()));
  CHECK(got2.text() == "carriage returns only");
  CHECK(got2.text_deltas() == 3);
}

TEST_CASE("finish_reason length: the cut-off call stays in the message but is not announced") {
  CurlGlobal curl;
  RecordedWaits waits;
  auto server = start_fake(R"(
- tool_calls: [{id: call_1, name: write_file, arguments: '{"path": "a.rs", "content": "fn ma'}]
  finish_reason: length
)");
  auto provider =
      make_test_provider(curl, fake_provider_config(ProviderKind::kOpenAi, *server), waits);
  Collected got;
  auto c = provider->complete(simple_request(), got.sink(), {});
  REQUIRE(c.has_value());
  CHECK(c->finish == FinishReason::kLength);
  CHECK(got.calls().empty());
  REQUIRE(c->message.tool_calls.size() == 1);
  CHECK(c->message.tool_calls[0].arguments.is_null());
}

TEST_CASE(
    "max_completion_tokens is used when configured, and consecutive turns reuse the connection") {
  CurlGlobal curl;
  RecordedWaits waits;
  auto server = start_fake("- one\n- two\n- three\n");
  auto config = fake_provider_config(ProviderKind::kOpenAi, *server);
  config.max_tokens_field = "max_completion_tokens";
  config.max_tokens = 99;
  config.headers = {{"HTTP-Referer", "https://agentry.example"}};
  auto provider = make_test_provider(curl, config, waits, "");
  for (const char* expected : {"one", "two", "three"}) {
    Collected got;
    CompletionRequest request = simple_request();
    if (std::string(expected) == "one") request.max_tokens = 10;
    auto c = provider->complete(request, got.sink(), {});
    REQUIRE(c.has_value());
    CHECK(c->message.text == expected);
  }
  auto requests = server->requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].json["max_completion_tokens"] == 10);
  CHECK(requests[1].json["max_completion_tokens"] == 99);  // the provider's configured default
  CHECK_FALSE(requests[0].json.contains("max_tokens"));
  CHECK(requests[0].header("authorization").empty());  // no key configured: none sent
  CHECK(requests[0].header("http-referer") == "https://agentry.example");
  CHECK(requests[1].connection == requests[0].connection);
  CHECK(requests[2].connection == requests[0].connection);
  CHECK(server->connections() == 1);
}

// Bug 16.3 end to end: a Magistral-style answer (thinking parts, then text parts) through the
// provider, streamed and whole. Before the fix the streamed answer was empty and the whole one
// kept only the text by luck of its reader; thinking never belongs to the answer.
TEST_CASE("content as a list of parts: text parts are the answer, thinking parts are not") {
  for (bool stream : {true, false}) {
    CAPTURE(stream);
    CurlGlobal curl;
    RecordedWaits waits;
    auto server = start_fake(R"(
- text: "2 + 2 = 4"
  thinking: "The user asks for a sum. Two and two make four."
  content_parts: true
  usage: {input: 9, output: 30}
)");
    auto provider =
        make_test_provider(curl, fake_provider_config(ProviderKind::kOpenAi, *server), waits);
    Collected got;
    auto c = provider->complete(simple_request("what is 2+2?", stream), got.sink(), {});
    REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
    CHECK(c->message.text == "2 + 2 = 4");
    CHECK(got.text() == "2 + 2 = 4");
    CHECK(c->finish == FinishReason::kStop);
    CHECK(c->usage == Usage{9, 30, 0, 0});
  }
}

}  // namespace
}  // namespace agentry::llm
