// The OpenAI Responses API stream decoder on SSE bytes cut at fuzzer-chosen points; what it
// decoded is then sent back as the next request's input items.
#include "llm/responses_wire.hpp"
#include "stream_decoding.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const agentry::llm::ResponsesWire wire([] {
    agentry::llm::ResponsesOptions options;
    options.base_url = "http://127.0.0.1/v1";
    return options;
  }());
  agentry::fuzz::decode_stream(wire, agentry::fuzz::as_text(data, size));
  return 0;
}
