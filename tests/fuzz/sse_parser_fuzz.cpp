// The SSE parser on a stream cut at fuzzer-chosen points: it must not crash, and the events must
// be the same as for the stream fed whole (its contract: a split anywhere changes nothing).
#include <string>
#include <tuple>
#include <vector>

#include "fuzz_input.hpp"
#include "llm/sse_parser.hpp"

namespace {

using Event = std::tuple<std::string, std::string, std::string>;

std::vector<Event> parse(const std::vector<std::string_view>& chunks,
                         std::optional<std::int64_t>& retry) {
  agentry::llm::SseParser parser;
  std::vector<Event> events;
  auto on_event = [&](const agentry::llm::SseEvent& e) {
    events.emplace_back(e.type, e.data, e.id);
  };
  for (auto chunk : chunks)
    parser.feed(chunk, on_event);
  parser.finish();
  retry = parser.retry_ms();
  return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  agentry::fuzz::SplitStream stream(agentry::fuzz::as_text(data, size));
  std::optional<std::int64_t> whole_retry;
  std::optional<std::int64_t> split_retry;
  auto whole = parse({stream.body}, whole_retry);
  auto split = parse(stream.chunks(), split_retry);
  AGENTRY_FUZZ_CHECK(whole == split);
  AGENTRY_FUZZ_CHECK(whole_retry == split_retry);
  return 0;
}
