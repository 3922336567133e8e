// The Anthropic Messages stream decoder on SSE bytes cut at fuzzer-chosen points.
#include "llm/anthropic_wire.hpp"
#include "stream_decoding.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const agentry::llm::AnthropicWire wire([] {
    agentry::llm::AnthropicOptions options;
    options.base_url = "http://127.0.0.1";
    return options;
  }());
  agentry::fuzz::decode_stream(wire, agentry::fuzz::as_text(data, size));
  return 0;
}
