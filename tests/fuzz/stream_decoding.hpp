#pragma once
// Drives one StreamDecoder the way HttpProvider does: SSE bytes cut at fuzzer-chosen points go
// through the SSE parser, each event to the decoder until it reports an error, then finish();
// the assistant message is then sent back in the next request, as the engine does.
#include <variant>

#include "fuzz_input.hpp"
#include "llm/sse_parser.hpp"
#include "llm/wire_format.hpp"

namespace agentry::fuzz {

inline void decode_stream(const llm::WireFormat& wire, std::string_view input) {
  auto decoder_owner = wire.stream_decoder();
  llm::StreamDecoder& decoder = *decoder_owner;
  SplitStream stream(input);
  std::size_t text = 0;
  llm::StreamSink sink = [&](const llm::StreamEvent& event) {
    if (const auto* delta = std::get_if<llm::TextDelta>(&event)) text += delta->text.size();
  };
  llm::SseParser parser;
  bool failed = false;
  auto on_event = [&](const llm::SseEvent& event) {
    if (failed) return;
    if (auto r = decoder.on_event(event, sink); !r) {
      failed = true;
      (void)r.error().to_string();
    }
  };
  for (auto chunk : stream.chunks())
    parser.feed(chunk, on_event);
  parser.finish();
  AGENTRY_FUZZ_CHECK(decoder.text_size() == text);
  if (failed) return;
  (void)decoder.complete();
  llm::Completion completion = decoder.finish(sink);
  llm::CompletionRequest next;
  next.model = "m";
  next.messages.push_back(Message::user("go on"));
  next.messages.push_back(std::move(completion.message));
  (void)wire.request_body(next);
}

}  // namespace agentry::fuzz
