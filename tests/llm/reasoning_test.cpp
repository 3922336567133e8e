// Issue 19 in the llm layer: how a reasoning request reaches each wire, and how reasoning that
// comes back is read — from recorded-stream style fixtures of our own (tests/fixtures/llm/*.sse)
// and whole answers — into thinking, text and tool calls.
#include "llm/reasoning.hpp"

#include <doctest/doctest.h>

#include "core/config.hpp"
#include "llm/anthropic_stream.hpp"
#include "llm/anthropic_wire.hpp"
#include "llm/openai_stream.hpp"
#include "llm/openai_wire.hpp"
#include "llm/provider_config.hpp"
#include "llm_test_support.hpp"
#include "support/temp_dir.hpp"

namespace agentry::llm {
namespace {

using nlohmann::json;

std::string fixture(const char* name) {
  return agentry::testing::read_file(agentry::testing::fixtures_dir() / "llm" / name);
}

CompletionRequest thinking_request(std::string effort, std::optional<int> max_tokens = 16000) {
  CompletionRequest r;
  r.model = "claude-sonnet-4-5";
  r.messages = {Message::user("Why does this not borrow-check?")};
  r.max_tokens = max_tokens;
  r.reasoning = Reasoning{std::move(effort), std::nullopt};
  return r;
}

}  // namespace

TEST_CASE("recorded Anthropic stream: thinking, a redacted block, text and a tool call") {
  auto d = testing::decode_sse<AnthropicStreamDecoder>(fixture("anthropic_thinking_tools.sse"));
  CHECK(d.errors.empty());
  CHECK(d.thinking ==
        "The borrow checker complains that `buf` is borrowed mutably while `first` still holds a "
        "shared borrow.\n\nI should read src/lib.rs first.");
  CHECK(d.text == "Let me look at the function first.");
  const Message& m = d.completion.message;
  CHECK(m.text == "Let me look at the function first.");
  REQUIRE(m.tool_calls.size() == 1);
  CHECK(m.tool_calls[0].name == "read_file");
  CHECK(m.tool_calls[0].arguments == json{{"path", "src/lib.rs"}});
  REQUIRE(m.thinking.size() == 2);
  CHECK(m.thinking[0].wire == "anthropic");
  CHECK(m.thinking[0].text == d.thinking);
  // Kept verbatim, the signature whole: what goes back is what came.
  CHECK(m.thinking[0].raw ==
        json{{"type", "thinking"},
             {"thinking", d.thinking},
             {"signature", "EqQBCkgIBxABGAIqQHpF0mTkQ2VhY3Q9c2lnbmF0dXJlLWZpeHR1cmUtb25l"}});
  CHECK(m.thinking[1].text.empty());
  CHECK(m.thinking[1].raw["type"] == "redacted_thinking");
  CHECK(m.thinking[1].raw["data"].get<std::string>().starts_with("EmwKAhgBEgy3va3pzix"));
  CHECK(d.completion.finish == FinishReason::kToolCalls);
  CHECK(d.completion.usage.output_tokens == 187);
}

TEST_CASE("recorded DeepSeek stream: reasoning_content is thinking, never the answer") {
  auto d = testing::decode_sse<OpenAiStreamDecoder>(fixture("openai_reasoning_content_tools.sse"));
  CHECK(d.errors.empty());
  CHECK(d.thinking == "The test fails because the mutex guard is held across an await.");
  CHECK(d.text == "Running the tests.");
  const Message& m = d.completion.message;
  REQUIRE(m.thinking.size() == 1);
  CHECK(m.thinking[0] == Thinking{d.thinking, "openai", nullptr});
  REQUIRE(m.tool_calls.size() == 1);
  CHECK(m.tool_calls[0].name == "cargo_test");
  CHECK(m.tool_calls[0].arguments == json{{"package", "worker"}});
  CHECK(d.completion.usage.reasoning_tokens == 171);
  CHECK(d.completion.usage.output_tokens == 212);
  CHECK(d.completion.usage.cache_read_tokens == 1664);
}

TEST_CASE("recorded OpenRouter stream: `reasoning` deltas are thinking") {
  auto d = testing::decode_sse<OpenAiStreamDecoder>(fixture("openrouter_reasoning.sse"));
  CHECK(d.errors.empty());
  CHECK(d.thinking ==
        "**Checking the lifetime**\n\nThe returned reference outlives the local `s`.");
  CHECK(d.text == "Return an owned `String` instead.");
  CHECK(d.completion.message.tool_calls.empty());
  CHECK(d.completion.usage.reasoning_tokens == 64);
}

TEST_CASE("whole answers keep their thinking too") {
  auto a = parse_anthropic_response(json::parse(R"({
    "type": "message", "model": "claude-test", "stop_reason": "end_turn",
    "content": [
      {"type": "thinking", "thinking": "Short.", "signature": "sig-1"},
      {"type": "text", "text": "Answer."}],
    "usage": {"input_tokens": 5, "output_tokens": 7}})"));
  REQUIRE(a.has_value());
  CHECK(a->message.text == "Answer.");
  REQUIRE(a->message.thinking.size() == 1);
  CHECK(a->message.thinking[0].raw["signature"] == "sig-1");

  ToolCallIdSource ids;
  auto o = parse_openai_response(json::parse(R"({
    "model": "deepseek-reasoner",
    "choices": [{"index": 0, "finish_reason": "stop",
      "message": {"role": "assistant", "content": "Answer.", "reasoning_content": "Thought."}}],
    "usage": {"prompt_tokens": 3, "completion_tokens": 9,
              "completion_tokens_details": {"reasoning_tokens": 4}}})"),
                                 ids);
  REQUIRE(o.has_value());
  CHECK(o->message.text == "Answer.");
  CHECK(o->message.thinking == std::vector<Thinking>{{"Thought.", "openai", nullptr}});
  CHECK(o->usage.reasoning_tokens == 4);
}

TEST_CASE("anthropic request: effort levels map to thinking budgets below max_tokens") {
  AnthropicOptions options;
  options.cache = false;
  for (auto [effort, budget] : std::initializer_list<std::pair<const char*, int>>{
           {"low", 2048}, {"medium", 8192}, {"high", 14976}, {"xhigh", 14976}, {"max", 14976}}) {
    CAPTURE(effort);
    json body = anthropic_request_json(thinking_request(effort), options);
    CHECK(body["thinking"] == json{{"type", "enabled"}, {"budget_tokens", budget}});
    CHECK(body["max_tokens"] == 16000);
  }
  json big = anthropic_request_json(thinking_request("max", 64000), options);
  CHECK(big["thinking"]["budget_tokens"] == 32000);
  CHECK(big["max_tokens"] == 64000);
  // An explicit budget wins; a max_tokens too small for any thinking is raised to fit one.
  auto explicit_budget = thinking_request("", 1000);
  explicit_budget.reasoning = Reasoning{"", 3000};
  json small = anthropic_request_json(explicit_budget, options);
  CHECK(small["thinking"]["budget_tokens"] == 1024);
  CHECK(small["max_tokens"] == 2048);
  CHECK(plan_thinking(Reasoning{"", 5000}, 20000).budget_tokens == 5000);
}

TEST_CASE("anthropic request: models without extended thinking are not asked for it") {
  AnthropicOptions options;
  for (auto [model, takes] :
       std::initializer_list<std::pair<const char*, bool>>{{"claude-3-5-sonnet-20241022", false},
                                                           {"claude-3-haiku-20240307", false},
                                                           {"claude-3-opus-latest", false},
                                                           {"claude-3-7-sonnet-20250219", true},
                                                           {"claude-sonnet-4-5", true},
                                                           {"claude-opus-4-1", true},
                                                           {"anthropic/claude-3.5-haiku", false}}) {
    CAPTURE(model);
    auto request = thinking_request("high");
    request.model = model;
    CHECK(anthropic_request_json(request, options).contains("thinking") == takes);
  }
}

TEST_CASE("anthropic request: thinking drops the temperature and adds the interleaved beta") {
  AnthropicOptions options;
  AnthropicWire wire(options);
  auto request = thinking_request("medium");
  request.temperature = 0.2;
  json body = json::parse(*wire.request_body(request));
  CHECK_FALSE(body.contains("temperature"));
  auto headers = wire.request_headers(request);
  CHECK(std::count(headers.begin(), headers.end(),
                   std::pair<std::string, std::string>{"anthropic-beta",
                                                       "interleaved-thinking-2025-05-14"}) == 1);
  request.reasoning.reset();
  body = json::parse(*wire.request_body(request));
  CHECK(body["temperature"] == 0.2);
  CHECK_FALSE(body.contains("thinking"));
  headers = wire.request_headers(request);
  CHECK(std::none_of(headers.begin(), headers.end(),
                     [](const auto& h) { return h.first == "anthropic-beta"; }));
}

TEST_CASE("top_p goes on the wire where the model takes it") {
  CompletionRequest request;
  request.model = "gpt-4.1";
  request.messages.push_back(Message::user("hi"));
  request.top_p = 0.5;
  CHECK(openai_request_json(request, OpenAiOptions{})["top_p"] == 0.5);
  AnthropicOptions options;
  request.model = "claude-sonnet-4-5";
  CHECK(anthropic_request_json(request, options)["top_p"] == 0.5);
  // The newest Claude models refuse temperature and top_p together: the temperature goes.
  request.temperature = 0.2;
  json both = anthropic_request_json(request, options);
  CHECK(both["temperature"] == 0.2);
  CHECK_FALSE(both.contains("top_p"));
  // Thinking takes a top_p from 0.95 up, and no temperature.
  auto thinking = thinking_request("low");
  thinking.top_p = 0.5;
  CHECK_FALSE(anthropic_request_json(thinking, options).contains("top_p"));
  thinking.top_p = 0.97;
  CHECK(anthropic_request_json(thinking, options)["top_p"] == 0.97);
}

TEST_CASE("anthropic request: thinking blocks go back first and unchanged, without breakpoints") {
  json thinking = {{"type", "thinking"}, {"thinking", "Hmm."}, {"signature", "sig=="}};
  json redacted = {{"type", "redacted_thinking"}, {"data", "opaque"}};
  Message reply = Message::assistant("", {{"toolu_1", "read_file", {{"path", "a"}}, ""}});
  reply.thinking = {{"Hmm.", "anthropic", thinking}, {"", "anthropic", redacted}};
  auto request = thinking_request("low");
  request.messages.push_back(reply);
  request.messages.push_back(Message::tool({{"toolu_1", "read_file", "fn a() {}", false}}));
  request.messages.push_back(Message::assistant("", {}));
  request.messages.back().thinking = {{"Only thought.", "anthropic", thinking}};
  AnthropicOptions options;  // caching on: the newest message's last block gets a breakpoint
  json body = anthropic_request_json(request, options);
  json content = body["messages"][1]["content"];
  REQUIRE(content.size() == 3);
  CHECK(content[0] == thinking);
  CHECK(content[1] == redacted);
  CHECK(content[2]["type"] == "tool_use");
  // A message of thinking only: no cache_control lands on a thinking block.
  CHECK(body["messages"][3]["content"] == json::array({thinking}));
  // OpenAI-compatible reasoning is never sent to Anthropic either.
  request.messages[1].thinking = {{"Elsewhere.", "openai", nullptr}};
  body = anthropic_request_json(request, options);
  CHECK(body["messages"][1]["content"][0]["type"] == "tool_use");
}

TEST_CASE("openai request: reasoning_effort where the model takes it, never reasoning back") {
  OpenAiOptions options;
  options.base_url = "https://api.openai.com/v1";
  CompletionRequest r;
  r.messages = {Message::user("hi")};
  Message reply = Message::assistant("ok");
  reply.thinking = {{"Secret thought.", "openai", nullptr}};
  r.messages.push_back(reply);
  r.reasoning = Reasoning{"xhigh", std::nullopt};
  for (auto [model, sent] :
       std::initializer_list<std::pair<const char*, bool>>{{"o4-mini", true},
                                                           {"o3", true},
                                                           {"gpt-5", true},
                                                           {"gpt-5.1-codex", true},
                                                           {"gpt-4.1", false},
                                                           {"deepseek-reasoner", false},
                                                           {"o1x", false}}) {
    CAPTURE(model);
    r.model = model;
    json body = openai_request_json(r, options);
    CHECK(body.contains("reasoning_effort") == sent);
    if (sent) CHECK(body["reasoning_effort"] == "high");
    CHECK(body.dump().find("Secret thought.") == std::string::npos);
    CHECK_FALSE(body["messages"][1].contains("reasoning_content"));
  }
  r.model = "gpt-4.1";
  options.reasoning_style = ReasoningStyle::kEffort;
  CHECK(openai_request_json(r, options)["reasoning_effort"] == "high");
  options.reasoning_style = ReasoningStyle::kNone;
  r.model = "o3";
  CHECK_FALSE(openai_request_json(r, options).contains("reasoning_effort"));

  OpenAiOptions router;
  router.base_url = "https://openrouter.ai/api/v1";
  r.model = "anthropic/claude-sonnet-4.5";
  r.reasoning = Reasoning{"low", std::nullopt};
  CHECK(openai_request_json(r, router)["reasoning"] == json{{"effort", "low"}});
  r.reasoning = Reasoning{"", 6000};
  CHECK(openai_request_json(r, router)["reasoning"] == json{{"max_tokens", 6000}});
  r.reasoning.reset();
  CHECK_FALSE(openai_request_json(r, router).contains("reasoning"));
}

TEST_CASE("provider config: effort per provider or per model, and the reasoning style") {
  auto c = Config::from_yaml(R"(
providers:
  a:
    kind: anthropic
    effort: medium
  o:
    kind: openai
    base_url: http://127.0.0.1:8000/v1
    effort: {qwq: high}
    reasoning: effort
)",
                             "/home/u/.config/agentry/config.yaml");
  REQUIRE(c.has_value());
  auto llm = load_llm_config(*c, Environment{});
  REQUIRE_MESSAGE(llm.has_value(), (llm ? "" : llm.error().to_string()));
  const auto* a = llm->find("a");
  REQUIRE(a != nullptr);
  CHECK(a->reasoning.effort == "medium");
  const auto* o = llm->find("o");
  REQUIRE(o != nullptr);
  CHECK(o->reasoning.per_model.at("qwq") == "high");
  CHECK(o->reasoning_style == ReasoningStyle::kEffort);
  // The configured effort applies when a request asks none; the request's own wins.
  CompletionRequest r;
  r.model = "qwq";
  CHECK(o->reasoning.for_request(r) == Reasoning{"high", std::nullopt});
  r.model = "other";
  CHECK_FALSE(o->reasoning.for_request(r).has_value());
  r.reasoning = Reasoning{"low", std::nullopt};
  CHECK(o->reasoning.for_request(r) == Reasoning{"low", std::nullopt});

  auto bad =
      Config::from_yaml("providers:\n  a:\n    kind: anthropic\n    effort: extreme\n", "/c.yaml");
  REQUIRE(bad.has_value());
  auto refused = load_llm_config(*bad, Environment{});
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().message.find("`effort` must be low, medium, high, xhigh or max") !=
        std::string::npos);
  CHECK(refused.error().where.find("/c.yaml:4") != std::string::npos);
  auto style =
      Config::from_yaml("providers:\n  a:\n    kind: openai\n    reasoning: loud\n", "/c.yaml");
  REQUIRE(style.has_value());
  CHECK_FALSE(load_llm_config(*style, Environment{}).has_value());
}

}  // namespace agentry::llm
