// The Anthropic stream decoder on what misbehaving servers send (regressions found by tests/fuzz).
#include "llm/anthropic_stream.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "llm/anthropic_wire.hpp"
#include "llm_test_support.hpp"
#include "support/fuzz_corpus.hpp"

namespace agentry::llm {
namespace {

using Decoded = testing::DecodedStream;

/// Feeds `stream` through the SSE parser to a fresh decoder, as HttpProvider does.
Decoded decode_anthropic(std::string_view stream) {
  return testing::decode_sse<AnthropicStreamDecoder>(stream);
}

}  // namespace

// get<std::int64_t>() of a float out of int64's range is undefined behaviour (UBSan:
// "1e+300 is outside the range of representable values of type 'long'").
TEST_CASE("anthropic stream: token counts that are no counts are ignored") {
  Decoded d = decode_anthropic(
      "event: message_start\n"
      "data: {\"type\":\"message_start\",\"message\":{\"model\":\"m\",\"usage\":"
      "{\"input_tokens\":1e300,\"output_tokens\":-5,\"cache_read_input_tokens\":7.0,"
      "\"cache_creation_input_tokens\":18446744073709551615}}}\n\n"
      "event: message_delta\n"
      "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
      "\"usage\":{\"output_tokens\":3.5}}\n\n"
      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
  CHECK(d.errors.empty());
  CHECK(d.completion.usage.input_tokens == 0);
  CHECK(d.completion.usage.output_tokens == 0);
  CHECK(d.completion.usage.cache_read_tokens == 7);
  CHECK(d.completion.usage.cache_write_tokens == 0);
  auto input = agentry::testing::fuzz_input("anthropic_stream", "crash-usage-1e300");
  CHECK(decode_anthropic(agentry::testing::fuzz_stream_body(input)).completion.usage.input_tokens ==
        0);
}

// Found by tests/fuzz (anthropic_stream): json::value() threw out of the decoder (and through
// libcurl's write callback) when content_block, message or delta was not an object.
TEST_CASE("anthropic stream: members that are not objects are read as empty") {
  Decoded d;
  REQUIRE_NOTHROW(
      d = decode_anthropic(
          "event: content_block_start\n"
          "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":\"text\"}\n\n"
          "event: content_block_delta\n"
          "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":[1]}\n\n"
          "event: message_delta\n"
          "data: {\"type\":\"message_delta\",\"delta\":\"end_turn\"}\n\n"
          "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
  CHECK(d.errors.empty());
  CHECK(d.completion.message.text.empty());
  auto input = agentry::testing::fuzz_input("anthropic_stream",
                                            "crash-fe4065d41449db8dcf9a23c8b65fd7b0f18de6f8");
  REQUIRE_NOTHROW(d = decode_anthropic(agentry::testing::fuzz_stream_body(input)));
}

// json::value() threw nlohmann::type_error out of the provider for a whole answer whose fields
// had an unexpected type.
TEST_CASE("anthropic whole answer: fields of the wrong type are no exception") {
  Result<Completion> c = fail(ErrorCode::kInternal, "not run");
  REQUIRE_NOTHROW(c = parse_anthropic_response(nlohmann::json::parse(
                      R"({"type": 1, "model": 5, "stop_reason": "end_turn", "content": [
        {"type": "text", "text": 7}, {"type": 3}, {"type": "text", "text": "ok"},
        {"type": "tool_use", "id": 9, "name": null, "input": {}}]})")));
  REQUIRE(c.has_value());
  CHECK(c->message.text == "ok");
  CHECK(c->model.empty());
  CHECK(c->message.tool_calls.size() == 1);
}

}  // namespace agentry::llm
