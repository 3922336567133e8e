// The OpenAI stream decoder on what misbehaving servers send (regressions found by tests/fuzz).
#include "llm/openai_stream.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

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

}  // namespace agentry::llm
