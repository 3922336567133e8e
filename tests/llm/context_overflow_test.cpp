// Recognising a provider's "the prompt does not fit the context window" answer, in each
// server's own words (bodies written from the documented shapes), as ErrorCode::kContextOverflow
// with the sizes it states, never retried.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "llm/anthropic_stream.hpp"
#include "llm/error_body.hpp"
#include "llm/openai_stream.hpp"
#include "llm_test_support.hpp"

namespace agentry::llm {
namespace {

using namespace testing;

struct Case {
  const char* who;
  long status;
  const char* body;
  std::int64_t limit;
  std::int64_t prompt;
};

const std::vector<Case> kOverflows = {
    {"Anthropic", 400,
     R"({"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 208310 tokens > 200000 maximum"},"request_id":"req_011CV"})",
     200'000, 208'310},
    {"Anthropic, input plus max_tokens", 400,
     R"({"type":"error","error":{"type":"invalid_request_error","message":"input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000, decrease input length or `max_tokens` and try again"}})",
     200'000, 209'573},
    {"OpenAI", 400,
     R"({"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130563 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}})",
     128'000, 130'563},
    {"OpenAI, with the completion", 400,
     R"({"error":{"message":"This model's maximum context length is 8192 tokens. However, you requested 8500 tokens (8000 in the messages, 500 in the completion). Please reduce the length of the messages or completion.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}})",
     8'192, 8'500},
    {"OpenAI, by its code alone", 400,
     R"({"error":{"message":"Your input exceeds the context window of this model. Please adjust your input and try again.","type":"invalid_request_error","param":"input","code":"context_length_exceeded"}})",
     0, 0},
    {"vLLM, flat", 400,
     R"({"object":"error","message":"This model's maximum context length is 32768 tokens. However, you requested 33792 tokens (29696 in the messages, 4096 in the completion). Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400})",
     32'768, 33'792},
    {"vLLM", 400,
     R"({"error":{"message":"This model's maximum context length is 32768 tokens. However, your request has 40000 input tokens. Please reduce the length of the input messages.","type":"BadRequestError","param":null,"code":400}})",
     32'768, 40'000},
    {"llama.cpp", 400,
     R"({"error":{"code":400,"message":"request (40960 tokens) exceeds the available context size (32768 tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":40960,"n_ctx":32768}})",
     32'768, 40'960},
    {"llama.cpp, older and as a 500", 500,
     R"({"error":{"code":500,"message":"the request exceeds the available context size, try increasing the context size or enable context shift","type":"server_error"}})",
     0, 0},
    {"OpenRouter", 400,
     R"({"error":{"message":"This endpoint's maximum context length is 131072 tokens. However, you requested about 150000 tokens (146000 of text input, 4000 in the output). Please reduce the length of either one, or use the \"middle-out\" transform to compress your prompt automatically.","code":400,"metadata":{"provider_name":null}}})",
     131'072, 150'000},
    {"Ollama", 400,
     R"({"error":{"message":"the input length exceeds the context length","type":"invalid_request_error","param":null,"code":null}})",
     0, 0},
    {"Gemini (OpenAI-compatible)", 400,
     R"({"error":{"code":400,"message":"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}})",
     1'048'576, 1'200'000},
    {"Hugging Face TGI", 422,
     R"({"error":"Input validation error: `inputs` tokens + `max_new_tokens` must be <= 32768. Given: 31000 `inputs` tokens and 4096 `max_new_tokens`","error_type":"validation"})",
     32'768, 35'096},
    {"Mistral", 400,
     R"({"object":"error","message":"Prompt contains 40000 tokens and 0 draft tokens, too large for model with 32768 maximum context length","type":"invalid_request_error","param":null,"code":null})",
     32'768, 40'000},
};

const std::vector<Case> kOthers = {
    {"OpenAI tokens-per-minute limit", 429,
     R"({"error":{"message":"Request too large for gpt-4o in organization org-x on tokens per min (TPM): Limit 30000, Requested 45000. The input or output tokens must be reduced in order to run successfully.","type":"tokens","param":null,"code":"rate_limit_exceeded"}})",
     0, 0},
    {"Anthropic, a broken history", 400,
     R"({"type":"error","error":{"type":"invalid_request_error","message":"messages.1: `tool_use` ids were found without `tool_result` blocks immediately after"}})",
     0, 0},
    {"Anthropic, max_tokens above the model's output", 400,
     R"({"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: 100000 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-5"}})",
     0, 0},
    {"a bad key that mentions the context", 401,
     R"({"error":{"message":"maximum context length is 5 tokens, not really","code":"invalid_api_key"}})",
     0, 0},
};

TEST_CASE("each server's context-overflow answer is recognised with the sizes it states") {
  for (const auto& c : kOverflows) {
    CAPTURE(c.who);
    auto sizes = context_overflow(c.status, parse_server_error_text(c.body));
    REQUIRE(sizes.has_value());
    CHECK(sizes->limit == c.limit);
    CHECK(sizes->prompt == c.prompt);
  }
  for (const auto& c : kOthers) {
    CAPTURE(c.who);
    CHECK_FALSE(context_overflow(c.status, parse_server_error_text(c.body)).has_value());
  }
}

TEST_CASE("a 64 KiB message is read in linear time, without deep recursion") {
  ServerError huge;
  huge.message = "This model's maximum context length is 4096 tokens. However, you requested " +
                 std::string(65'000, '9') + " tokens " + std::string(65'000, ' ') +
                 "prompt contains " + std::string(65'000, 'x');
  auto sizes = context_overflow(400, huge);
  REQUIRE(sizes.has_value());
  CHECK(sizes->limit == 4'096);
  CHECK(sizes->prompt == 0);  // more digits than any real count: not read
}

TEST_CASE("an HTTP context-overflow answer becomes kContextOverflow, not retryable") {
  HttpResponse response;
  response.status = 400;
  Error e = http_status_error("p", "http://h/v1/messages", response,
                              parse_server_error_text(kOverflows[0].body), false);
  CHECK(e.code == ErrorCode::kContextOverflow);
  CHECK_FALSE(e.retryable);
  CHECK(e.overflow == ContextOverflowSizes{200'000, 208'310});
  CHECK(e.message.find("prompt is too long") != std::string::npos);
  CHECK(e.hint.find("200000") != std::string::npos);
  CHECK(std::string(to_string(e.code)) == "context_overflow");

  response.status = 500;
  Error e500 =
      http_status_error("p", "u", response, parse_server_error_text(kOverflows[8].body), true);
  CHECK(e500.code == ErrorCode::kContextOverflow);
  CHECK_FALSE(e500.retryable);
}

TEST_CASE("the provider never retries a context overflow, even one answered as a 500") {
  for (auto kind : {ProviderKind::kAnthropic, ProviderKind::kOpenAi}) {
    for (const Case* c : {&kOverflows[0], &kOverflows[2], &kOverflows[8]}) {
      CAPTURE(c->who);
      CurlGlobal curl;
      ProviderRun r;
      std::string body = c->body;
      for (auto at = body.find('\''); at != std::string::npos; at = body.find('\'', at + 2))
        body.insert(at, 1, '\'');  // YAML single quotes: '' is one '
      r.server = start_fake(
          fmt::format("- text: ok\n  faults: [{{status: {}, body: '{}'}}]\n", c->status, body));
      auto provider = make_test_provider(curl, fake_provider_config(kind, *r.server), r.waits);
      r.result = provider->complete(simple_request(), r.got.sink(), {});
      REQUIRE_FALSE(r.result.has_value());
      CHECK(r.result.error().code == ErrorCode::kContextOverflow);
      CHECK(r.result.error().overflow == ContextOverflowSizes{c->limit, c->prompt});
      CHECK(r.result.error().message.find("provider 'fake-") != std::string::npos);
      CHECK(r.server->request_count() == 1);
      CHECK(r.waits.delays.empty());
    }
  }
}

TEST_CASE("a context overflow reported mid-stream is recognised too") {
  OpenAiStreamDecoder openai;
  auto o = openai.on_event(
      SseEvent{
          "message",
          R"({"error":{"message":"This model's maximum context length is 4096 tokens. However, your messages resulted in 5000 tokens.","code":"context_length_exceeded"}})",
          ""},
      [](const StreamEvent&) {});
  REQUIRE_FALSE(o.has_value());
  CHECK(o.error().code == ErrorCode::kContextOverflow);
  CHECK_FALSE(o.error().retryable);
  CHECK(o.error().overflow == ContextOverflowSizes{4'096, 5'000});

  AnthropicStreamDecoder anthropic;
  auto a = anthropic.on_event(
      SseEvent{
          "error",
          R"({"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 9000 tokens > 8000 maximum"}})",
          ""},
      [](const StreamEvent&) {});
  REQUIRE_FALSE(a.has_value());
  CHECK(a.error().code == ErrorCode::kContextOverflow);
  CHECK(a.error().overflow == ContextOverflowSizes{8'000, 9'000});
}

}  // namespace
}  // namespace agentry::llm
