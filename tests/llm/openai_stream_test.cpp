// The OpenAI stream decoder on what misbehaving servers send (regressions found by tests/fuzz).
#include "llm/openai_stream.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "llm/openai_wire.hpp"
#include "llm_test_support.hpp"
#include "support/fuzz_corpus.hpp"

namespace agentry::llm {
namespace {

using Decoded = testing::DecodedStream;

/// Feeds `stream` through the SSE parser to a fresh decoder, as HttpProvider does.
Decoded decode_openai(std::string_view stream) {
  return testing::decode_sse<OpenAiStreamDecoder>(stream);
}

}  // namespace

// choice.value("index", 0) threw nlohmann::type_error for an index that is not a number, out of
// the decoder and through libcurl's write callback.
TEST_CASE("openai stream: a choice whose index is not a number is skipped, not an exception") {
  Decoded d;
  REQUIRE_NOTHROW(
      d = decode_openai("data: {\"choices\":[{\"index\":\"0\",\"delta\":{\"content\":\"x\"}},"
                        "{\"index\":null,\"delta\":{\"content\":\"a\"}},"
                        "{\"index\":0.0,\"delta\":{\"content\":\"b\"}},"
                        "{\"index\":1,\"delta\":{\"content\":\"y\"}}]}\n\n"
                        "data: [DONE]\n\n"));
  CHECK(d.text == "ab");
  CHECK(d.errors.empty());
  auto input = agentry::testing::fuzz_input("openai_stream", "crash-index-not-a-number");
  REQUIRE_NOTHROW(d = decode_openai(agentry::testing::fuzz_stream_body(input)));
  CHECK(d.text.empty());
}

// get<std::int64_t>() of a float out of int64's range is undefined behaviour.
TEST_CASE("openai stream: token counts that are no counts are ignored") {
  Decoded d = decode_openai(
      "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":1e300,\"completion_tokens\":3.0,"
      "\"prompt_tokens_details\":{\"cached_tokens\":1e19}}}\n\n"
      "data: [DONE]\n\n");
  CHECK(d.errors.empty());
  CHECK(d.completion.usage.input_tokens == 0);
  CHECK(d.completion.usage.output_tokens == 3);
  CHECK(d.completion.usage.cache_read_tokens == 0);
  auto input = agentry::testing::fuzz_input("openai_stream", "crash-usage-1e300");
  CHECK(decode_openai(agentry::testing::fuzz_stream_body(input)).completion.usage.input_tokens ==
        0);
}

// Mistral's Magistral models stream `delta.content` as a list of typed parts; the decoder read
// only strings, so the whole answer was lost and the turn still completed, empty.
TEST_CASE("openai stream: content as a list of parts, text is the answer, thinking is not") {
  Decoded d = decode_openai(
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"thinking\","
      "\"thinking\":[{\"type\":\"text\",\"text\":\"2 and 2 make\"}]}]}}]}\n\n"
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"thinking\","
      "\"thinking\":\" four\"}]}}]}\n\n"
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"text\","
      "\"text\":\"2 + 2 \"}]}}]}\n\n"
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"text\","
      "\"text\":\"= "
      "4\"},{\"type\":\"refusal\",\"refusal\":\"\"}]},\"finish_reason\":\"stop\"}]}\n\n"
      "data: [DONE]\n\n");
  CHECK(d.errors.empty());
  CHECK(d.text == "2 + 2 = 4");
  CHECK(d.completion.message.text == "2 + 2 = 4");
  CHECK(d.completion.finish == FinishReason::kStop);
}

TEST_CASE(
    "openai stream: content of a shape that cannot be read is an error, not an empty answer") {
  for (const char* content :
       {R"(42)", R"({"text":"hi"})", R"([{"type":"image_url","image_url":{"url":"x"}}])",
        R"([{"type":"text"}])", R"([{"type":"text","text":7}])", R"(["plain"])",
        R"([{"text":"no type"}])"}) {
    CAPTURE(content);
    Decoded d = decode_openai(
        fmt::format("data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":{}}}}}]}}\n\n"
                    "data: {{\"choices\":[{{\"index\":0,\"delta\":{{}},\"finish_reason\":"
                    "\"stop\"}}]}}\n\ndata: [DONE]\n\n",
                    content));
    REQUIRE(d.errors.size() == 1);
    CHECK(d.errors[0].find("the answer's content cannot be read") != std::string::npos);
  }
  ToolCallIdSource ids;
  auto whole = parse_openai_response(
      nlohmann::json::parse(R"({"choices":[{"index":0,"message":{"role":"assistant",
        "content":[{"type":"text","text":"a"},{"type":"video"}]},"finish_reason":"stop"}]})"),
      ids);
  REQUIRE_FALSE(whole.has_value());
  CHECK(whole.error().message.find("part 2 has the unknown type 'video'") != std::string::npos);
  auto parsed = openai_content(nlohmann::json::parse(R"([{"type":"audio","audio":{}}])"));
  REQUIRE_FALSE(parsed.has_value());
  CHECK(parsed.error().message.find("unknown type 'audio'") != std::string::npos);
  CHECK(parsed.error().code == ErrorCode::kParse);
}

TEST_CASE("openai whole answer: fields of the wrong type are no exception") {
  ToolCallIdSource ids;
  Result<Completion> c = fail(ErrorCode::kInternal, "not run");
  REQUIRE_NOTHROW(c = parse_openai_response(nlohmann::json::parse(R"({"model": 5, "choices": [
        {"index": 0, "message": "hello", "finish_reason": "stop"}]})"),
                                            ids));
  REQUIRE(c.has_value());
  CHECK(c->message.text.empty());
  REQUIRE_NOTHROW(c = parse_openai_response(nlohmann::json::parse(R"({"choices": [{"message":
        {"content": "x", "tool_calls": [{"id": "c1", "function": {"name": 4, "arguments": "{}"}},
                                        {"id": "c2", "function": "grep"}]}}]})"),
                                            ids));
  REQUIRE(c.has_value());
  CHECK(c->message.tool_calls.size() == 2);
}

}  // namespace agentry::llm
