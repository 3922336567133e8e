#pragma once
/// An incremental Server-Sent Events parser (WHATWG "event stream interpretation").
///
/// Network reads end anywhere: inside a line, between the CR and LF of one line end, inside a
/// UTF-8 sequence. The parser works on bytes, keeps the unfinished line between calls and emits an
/// event only at its terminating blank line, so the same stream split at any byte position yields
/// the same events. It knows nothing of JSON or of any LLM API.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace agentry::llm {

/// One dispatched event.
struct SseEvent {
  std::string type;  ///< the `event:` field, "message" when absent
  std::string data;  ///< `data:` lines joined with "\n" (no trailing newline)
  std::string id;    ///< the last event id seen so far (it persists across events)
};

class SseParser {
 public:
  /// Called once per dispatched event. The reference is valid only during the call.
  using Handler = std::function<void(const SseEvent&)>;

  /// Parses `bytes`, calling `on_event` for every event completed by them.
  void feed(std::string_view bytes, const Handler& on_event);
  /// Ends the stream: an event still being built (no blank line yet) is discarded, per the spec.
  /// The parser is then ready for a new stream (the BOM check applies again).
  void finish();

  /// The last `retry:` value (reconnection delay, ms), if the stream sent one.
  std::optional<std::int64_t> retry_ms() const { return retry_ms_; }
  /// Bytes consumed so far (after the BOM check), for diagnostics.
  std::uint64_t bytes_seen() const { return bytes_seen_; }

 private:
  void feed_lines(std::string_view bytes, const Handler& on_event);
  void process_line(std::string_view line, const Handler& on_event);
  void dispatch(const Handler& on_event);

  std::string line_;  // an unfinished line carried over from the previous feed
  std::string data_;  // data buffer of the event being built
  std::string type_;  // event type of the event being built
  SseEvent event_;    // reused for every dispatch so buffers keep their capacity
  std::optional<std::int64_t> retry_ms_;
  std::uint64_t bytes_seen_ = 0;
  bool skip_lf_ = false;  // the previous feed ended with CR: a leading LF belongs to it
  bool bom_checked_ = false;
};

}  // namespace agentry::llm
