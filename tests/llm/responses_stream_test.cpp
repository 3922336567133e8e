// OpenAI Responses: the stream decoder event by event, recorded streams (tests/fixtures/llm/
// responses_*.sse), the request body and the non-streamed answer.
#include "llm/responses_stream.hpp"

#include <doctest/doctest.h>

#include "llm/responses_wire.hpp"
#include "llm_test_support.hpp"
#include "support/temp_dir.hpp"

namespace agentry::llm {
namespace {

using namespace testing;
using nlohmann::json;

/// What a decoder made of a stream: every event, the errors it returned, its completion.
struct ResponsesDecoded {
  Collected got;
  std::vector<Error> errors;
  bool complete = false;
  Completion completion;

  std::string thinking() const {
    std::string out;
    for (const auto& e : got.events) {
      if (const auto* t = std::get_if<ThinkingDelta>(&e)) out += t->text;
    }
    return out;
  }
};

ResponsesDecoded decode_responses(std::string_view stream) {
  ResponsesStreamDecoder decoder;
  ResponsesDecoded out;
  StreamSink sink = out.got.sink();
  SseParser parser;
  parser.feed(stream, [&](const SseEvent& event) {
    if (auto r = decoder.on_event(event, sink); !r) out.errors.push_back(r.error());
  });
  parser.finish();
  out.complete = decoder.complete();
  out.completion = decoder.finish(sink);
  return out;
}

std::string responses_fixture(const char* name) {
  return agentry::testing::read_file(agentry::testing::fixtures_dir() / "llm" / name);
}

std::string responses_event(const json& data) {
  return "event: " + data["type"].get<std::string>() + "\ndata: " + data.dump() + "\n\n";
}

TEST_CASE("recorded stream: reasoning summary, text and two function calls") {
  ResponsesDecoded d = decode_responses(responses_fixture("responses_reasoning_tools.sse"));
  REQUIRE(d.errors.empty());
  CHECK(d.complete);
  const Completion& c = d.completion;
  CHECK(c.model == "gpt-5-codex");
  CHECK(c.finish == FinishReason::kToolCalls);
  CHECK(c.message.text == "Checking the crate — then reading `src/lib.rs`.");
  CHECK(d.got.text() == c.message.text);
  const std::string summary =
      "**Locating the borrow error**\n\nThe error points at `src/lib.rs`; I should check the "
      "crate first.\n\n**Planning**\n\nRun cargo check, then read the file.";
  CHECK(d.thinking() == summary);
  REQUIRE(c.message.thinking.size() == 1);
  const Thinking& t = c.message.thinking[0];
  CHECK(t.wire == "openai-responses");
  CHECK(t.text == summary);
  // Kept exactly as output_item.done gave it: id, encrypted_content, summary.
  CHECK(t.raw["id"] == "rs_0a1b2c3d4e5f6071a1");
  CHECK(t.raw["type"] == "reasoning");
  CHECK(t.raw["encrypted_content"].get<std::string>().starts_with("gAAAAABpNA1x"));
  CHECK(t.raw.size() == 4);
  REQUIRE(c.message.tool_calls.size() == 2);
  CHECK(c.message.tool_calls[0].id == "call_Xq81mZ2pLr0vA9");
  CHECK(c.message.tool_calls[0].name == "cargo_check");
  CHECK(c.message.tool_calls[0].raw_arguments == R"({"package":"tempconv","all_targets":true})");
  CHECK(c.message.tool_calls[0].arguments == json{{"package", "tempconv"}, {"all_targets", true}});
  CHECK(c.message.tool_calls[1].id == "call_7TbWk3nQe5YhJ2");
  CHECK(c.message.tool_calls[1].name == "read_file");
  CHECK(c.message.tool_calls[1].arguments["limit"] == 80);
  CHECK(d.got.calls() == c.message.tool_calls);
  // 5,210 input tokens of which 4,992 cached; 402 output of which 320 reasoning.
  CHECK(c.usage == Usage{218, 402, 4992, 0, 320});
  CHECK(d.got.usages() == std::vector<Usage>{c.usage});
}

TEST_CASE("recorded stream: a reasoning item without summary, then only text") {
  ResponsesDecoded d = decode_responses(responses_fixture("responses_text_only.sse"));
  REQUIRE(d.errors.empty());
  CHECK(d.complete);
  CHECK(d.completion.finish == FinishReason::kStop);
  CHECK(d.completion.model == "gpt-5-mini-2025-08-07");
  CHECK(d.completion.message.text == "The crate builds; `average` now takes `&[f64]`. ✅");
  CHECK(d.thinking().empty());
  REQUIRE(d.completion.message.thinking.size() == 1);
  CHECK(d.completion.message.thinking[0].text.empty());
  CHECK(d.completion.message.thinking[0].raw["id"] == "rs_1f2e3d4c5b6a7988e1");
  CHECK(d.completion.message.tool_calls.empty());
  CHECK(d.completion.usage == Usage{812, 96, 0, 0, 64});
}

TEST_CASE(
    "recorded stream: response.incomplete (max_output_tokens) is kLength, no call announced") {
  ResponsesDecoded d = decode_responses(responses_fixture("responses_incomplete.sse"));
  REQUIRE(d.errors.empty());
  CHECK(d.complete);
  CHECK(d.completion.finish == FinishReason::kLength);
  CHECK(d.got.calls().empty());
  CHECK(d.completion.usage.reasoning_tokens == 58);
}

TEST_CASE("response.incomplete for content_filter is kContentFilter") {
  ResponsesDecoded d = decode_responses(responses_event(
      {{"type", "response.incomplete"},
       {"response",
        {{"status", "incomplete"}, {"incomplete_details", {{"reason", "content_filter"}}}}}}));
  CHECK(d.complete);
  CHECK(d.completion.finish == FinishReason::kContentFilter);
}

TEST_CASE("a stream without response.completed is not complete") {
  std::string s = responses_fixture("responses_reasoning_tools.sse");
  s.resize(s.find("event: response.completed"));
  ResponsesDecoded d = decode_responses(s);
  CHECK(d.errors.empty());
  CHECK_FALSE(d.complete);
  CHECK(d.got.calls().empty());  // announced only at response.completed
  CHECK(d.completion.finish == FinishReason::kUnknown);
  CHECK(d.completion.model == "gpt-5-codex");  // from response.created
}

TEST_CASE("a message item that only arrives whole (no text deltas) still gives its text") {
  json item = {{"type", "message"},
               {"id", "msg_1"},
               {"role", "assistant"},
               {"content", json::array({{{"type", "output_text"}, {"text", "whole"}}})}};
  ResponsesDecoded d = decode_responses(
      responses_event(
          {{"type", "response.output_item.done"}, {"output_index", 0}, {"item", item}}) +
      responses_event({{"type", "response.completed"}, {"response", {{"status", "completed"}}}}));
  CHECK(d.got.text() == "whole");
  CHECK(d.completion.message.text == "whole");
  CHECK(d.completion.finish == FinishReason::kStop);
}

TEST_CASE("function call arguments: deltas joined, .done wins, the item's whole text wins last") {
  json added = {{"type", "function_call"},
                {"id", "fc_1"},
                {"call_id", "call_1"},
                {"name", "grep"},
                {"arguments", ""}};
  std::string s = responses_event(
      {{"type", "response.output_item.added"}, {"output_index", 3}, {"item", added}});
  s += responses_event({{"type", "response.function_call_arguments.delta"},
                        {"output_index", 3},
                        {"delta", "{\"pattern\":"}});
  s += responses_event({{"type", "response.function_call_arguments.delta"},
                        {"output_index", 3},
                        {"delta", "\"fn \"}"}});
  SUBCASE("deltas only") {
    s += responses_event({{"type", "response.completed"}, {"response", {{"status", "completed"}}}});
    ResponsesDecoded d = decode_responses(s);
    REQUIRE(d.got.calls().size() == 1);
    CHECK(d.got.calls()[0].raw_arguments == R"({"pattern":"fn "})");
    CHECK(d.got.calls()[0].id == "call_1");
    CHECK(d.got.calls()[0].name == "grep");
  }
  SUBCASE("arguments.done") {
    s += responses_event({{"type", "response.function_call_arguments.done"},
                          {"output_index", 3},
                          {"arguments", R"({"pattern": "fn "})"}});
    s += responses_event({{"type", "response.completed"}, {"response", {{"status", "completed"}}}});
    ResponsesDecoded d = decode_responses(s);
    REQUIRE(d.got.calls().size() == 1);
    CHECK(d.got.calls()[0].raw_arguments == R"({"pattern": "fn "})");
  }
}

TEST_CASE("reasoning_text deltas (raw reasoning content) stream as thinking too") {
  std::string s = responses_event({{"type", "response.output_item.added"},
                                   {"output_index", 0},
                                   {"item", {{"type", "reasoning"}, {"id", "rs_9"}}}});
  s += responses_event({{"type", "response.reasoning_text.delta"},
                        {"output_index", 0},
                        {"content_index", 0},
                        {"delta", "step one"}});
  s += responses_event({{"type", "response.completed"}, {"response", {{"status", "completed"}}}});
  ResponsesDecoded d = decode_responses(s);
  CHECK(d.thinking() == "step one");
  REQUIRE(d.completion.message.thinking.size() == 1);
  CHECK(d.completion.message.thinking[0].text == "step one");
  CHECK(d.completion.message.thinking[0].raw == json{{"type", "reasoning"}, {"id", "rs_9"}});
  CHECK(d.completion.message.text.empty());
}

TEST_CASE("error event: rate limit is kRateLimited and retryable, keeps the server's message") {
  ResponsesDecoded d = decode_responses(
      responses_event({{"type", "error"},
                       {"code", "rate_limit_exceeded"},
                       {"message", "Rate limit reached for gpt-5 on tokens per min (TPM)."},
                       {"param", nullptr},
                       {"sequence_number", 2}}));
  REQUIRE(d.errors.size() == 1);
  CHECK(d.errors[0].code == ErrorCode::kRateLimited);
  CHECK(d.errors[0].retryable);
  CHECK(d.errors[0].message.find("Rate limit reached for gpt-5") != std::string::npos);
  CHECK(d.errors[0].message.find("rate_limit_exceeded") != std::string::npos);
}

TEST_CASE("error event: an invalid request is not retried") {
  ResponsesDecoded d = decode_responses(responses_event({{"type", "error"},
                                                         {"code", "invalid_request_error"},
                                                         {"message", "Invalid 'input[3].call_id'."},
                                                         {"param", "input[3].call_id"}}));
  REQUIRE(d.errors.size() == 1);
  CHECK(d.errors[0].code == ErrorCode::kHttp);
  CHECK_FALSE(d.errors[0].retryable);
}

TEST_CASE("response.failed: server error retryable, context_length_exceeded is kContextOverflow") {
  auto failed = [](const char* code, const char* message) {
    return responses_event({{"type", "response.failed"},
                            {"response",
                             {{"id", "resp_1"},
                              {"status", "failed"},
                              {"error", {{"code", code}, {"message", message}}}}}});
  };
  ResponsesDecoded server =
      decode_responses(failed("server_error", "The server had an error while processing."));
  REQUIRE(server.errors.size() == 1);
  CHECK(server.errors[0].retryable);
  CHECK(server.errors[0].message.find("The server had an error") != std::string::npos);

  ResponsesDecoded overload = decode_responses(failed("server_is_overloaded", "Overloaded."));
  REQUIRE(overload.errors.size() == 1);
  CHECK(overload.errors[0].code == ErrorCode::kRateLimited);
  CHECK(overload.errors[0].retryable);

  ResponsesDecoded window =
      decode_responses(failed("context_length_exceeded",
                              "Your input exceeds the context window of this model. Please "
                              "adjust your input and try again."));
  REQUIRE(window.errors.size() == 1);
  CHECK(window.errors[0].code == ErrorCode::kContextOverflow);
  CHECK_FALSE(window.errors[0].retryable);
}

TEST_CASE("a malformed event is a retryable parse error") {
  ResponsesDecoded d =
      decode_responses("event: response.output_text.delta\ndata: {\"type\":\"resp\n\n");
  REQUIRE(d.errors.size() == 1);
  CHECK(d.errors[0].code == ErrorCode::kParse);
  CHECK(d.errors[0].retryable);
}

CompletionRequest tool_loop_request() {
  CompletionRequest r;
  r.model = "gpt-5-codex";
  r.system = "You are rust-pro.";
  r.messages.push_back(Message::user("fix it"));
  Message answer = Message::assistant(
      "Checking.", {ToolCall{"call_1", "cargo_check", json::object(), R"({ "all": 1 })"}});
  json rs = {{"id", "rs_1"},
             {"type", "reasoning"},
             {"summary", json::array()},
             {"encrypted_content", "gAAAA-opaque"},
             {"unknown_future_field", {1, 2}}};
  answer.thinking.push_back(Thinking{"", "openai-responses", rs});
  answer.thinking.push_back(Thinking{"shown only", "openai", nullptr});
  answer.thinking.push_back(Thinking{"", "anthropic", json{{"type", "thinking"}}});
  r.messages.push_back(answer);
  r.messages.push_back(
      Message::tool({ToolResult{"call_1", "cargo_check", "error[E0502]: cannot borrow", true}}));
  r.tools.push_back(ToolSchema{"cargo_check", "Runs cargo check.",
                               json{{"type", "object"}, {"properties", json::object()}}});
  return r;
}

TEST_CASE("request: instructions, input items with the reasoning item verbatim before its calls") {
  CompletionRequest r = tool_loop_request();
  json body = responses_request_json(r, ResponsesOptions{});
  json expected = json::parse(R"({
    "model": "gpt-5-codex",
    "instructions": "You are rust-pro.",
    "input": [
      {"type": "message", "role": "user", "content": "fix it"},
      {"id": "rs_1", "type": "reasoning", "summary": [], "encrypted_content": "gAAAA-opaque",
       "unknown_future_field": [1, 2]},
      {"type": "message", "role": "assistant", "content": "Checking."},
      {"type": "function_call", "call_id": "call_1", "name": "cargo_check",
       "arguments": "{ \"all\": 1 }"},
      {"type": "function_call_output", "call_id": "call_1",
       "output": "error[E0502]: cannot borrow"}
    ],
    "tools": [{"type": "function", "name": "cargo_check", "description": "Runs cargo check.",
               "parameters": {"type": "object", "properties": {}}}],
    "store": false,
    "include": ["reasoning.encrypted_content"],
    "stream": true
  })");
  CHECK(body == expected);
}

TEST_CASE(
    "request: a reasoning model gets the effort and never a temperature, others the reverse") {
  CompletionRequest r = tool_loop_request();  // gpt-5-codex
  r.temperature = 0.2;
  r.max_tokens = 2048;
  r.cache_key = "01JSESSION";
  ResponsesOptions o;
  o.send_cache_key = true;
  json plain = responses_request_json(r, o);
  CHECK_FALSE(plain.contains("temperature"));
  CHECK_FALSE(plain.contains("reasoning"));
  CHECK(plain["max_output_tokens"] == 2048);
  CHECK(plain["prompt_cache_key"] == "01JSESSION");
  for (auto [level, sent] :
       {std::pair{"low", "low"}, std::pair{"medium", "medium"}, std::pair{"high", "high"},
        std::pair{"xhigh", "high"}, std::pair{"max", "high"}}) {
    r.reasoning = Reasoning{level, std::nullopt};
    json body = responses_request_json(r, o);
    CHECK(body["reasoning"] == json{{"effort", sent}, {"summary", "auto"}});
    CHECK_FALSE(body.contains("temperature"));
  }
  // An explicit thinking budget (front-matter `thinking: {budget_tokens}`) becomes its effort, as
  // on chat completions.
  r.reasoning = Reasoning{"", 2048};
  CHECK(responses_request_json(r, o)["reasoning"]["effort"] == "low");
  r.reasoning = Reasoning{"", 30000};
  CHECK(responses_request_json(r, o)["reasoning"]["effort"] == "high");
  // The provider's configured effort, for a request that asks none.
  r.reasoning.reset();
  o.reasoning.effort = "low";
  CHECK(responses_request_json(r, o)["reasoning"] == json{{"effort", "low"}, {"summary", "auto"}});
  o.reasoning.effort.clear();
  r.reasoning = Reasoning{"high", std::nullopt};
  r.top_p = 0.7;
  CHECK_FALSE(responses_request_json(r, o).contains("top_p"));  // gpt-5-codex refuses it
  r.model = "gpt-4.1";
  json other = responses_request_json(r, o);
  CHECK_FALSE(other.contains("reasoning"));
  CHECK(other["temperature"] == 0.2);
  CHECK(other["top_p"] == 0.7);
  r.max_tokens.reset();
  o.default_max_tokens = 999;
  CHECK(responses_request_json(r, o)["max_output_tokens"] == 999);
}

TEST_CASE("reasoning models by id") {
  for (const char* id :
       {"o1", "o3-mini", "o4-mini-2025-04-16", "gpt-5", "gpt-5-codex", "gpt-5.1-codex-max",
        "codex-mini-latest", "openai/gpt-oss-120b", "GPT-5"}) {
    CHECK_MESSAGE(openai_reasoning_model(id), id);
  }
  for (const char* id : {"gpt-4.1", "gpt-4o-mini", "o10", "gpt-50", "fake-model", ""}) {
    CHECK_FALSE_MESSAGE(openai_reasoning_model(id), id);
  }
}

TEST_CASE("non-streamed response: reasoning, text, calls, usage, and a failed one is an error") {
  ResponsesWire wire(
      ResponsesOptions{"https://api.openai.com/v1/", "k", {}, {}, false, nullptr, {}});
  CHECK(wire.url() == "https://api.openai.com/v1/responses");
  std::string s = responses_fixture("responses_reasoning_tools.sse");
  auto at = s.find("event: response.completed\ndata: ");
  json completed = json::parse(s.substr(s.find("data: ", at) + 6));
  auto c = wire.parse_response(completed["response"].dump());
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
  CHECK(c->message.text == "Checking the crate — then reading `src/lib.rs`.");
  REQUIRE(c->message.thinking.size() == 1);
  CHECK(c->message.thinking[0].raw == completed["response"]["output"][0]);
  CHECK(c->message.thinking[0].text.starts_with("**Locating the borrow error**"));
  REQUIRE(c->message.tool_calls.size() == 2);
  CHECK(c->finish == FinishReason::kToolCalls);
  CHECK(c->usage == Usage{218, 402, 4992, 0, 320});

  auto failed = wire.parse_response(
      R"({"id":"r","status":"failed","output":[],"error":{"code":"rate_limit_exceeded","message":"slow down"}})");
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().code == ErrorCode::kRateLimited);
  CHECK_FALSE(wire.parse_response("[1]").has_value());
  CHECK_FALSE(wire.parse_response(R"({"id":"r"})").has_value());
}

}  // namespace
}  // namespace agentry::llm
