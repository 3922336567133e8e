#pragma once
/// The seam between the HTTP machinery (HttpProvider: retries, streaming, cancellation) and one
/// API's wire format (OpenAI chat completions, Anthropic Messages).
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "llm/provider.hpp"
#include "llm/sse_parser.hpp"

namespace agentry::llm {

/// Turns one response stream's SSE events into StreamEvents and, at the end, a Completion.
/// Errors it returns carry only the message, code and retryable flag; HttpProvider adds the
/// provider name and the URL.
class StreamDecoder {
 public:
  virtual ~StreamDecoder() = default;
  /// Handles one event, calling `sink` for what it completes. An in-stream error event or a
  /// malformed payload is an error; the transfer is then dropped.
  [[nodiscard]] virtual Result<void> on_event(const SseEvent& event, const StreamSink& sink) = 0;
  /// True once the stream said it was whole: a finish reason or end marker arrived.
  virtual bool complete() const = 0;
  /// True once anything reached the sink: from then on the call is not retried transparently.
  virtual bool delivered() const = 0;
  /// Characters of text delivered so far (reported when a stream breaks).
  virtual std::size_t text_size() const = 0;
  /// Bytes of tool-call arguments received so far (with text_size(): what the response holds).
  virtual std::size_t arguments_size() const = 0;
  /// Delivers what is still pending (tool calls, usage) and returns the completion.
  virtual Completion finish(const StreamSink& sink) = 0;
};

/// A token count as a server reports it in a usage object: an integer (or a float with an
/// integral value) in [0, 2^53). Anything else (negative, huge, NaN, not a number) counts as not
/// reported, so a broken server cannot make later sums overflow.
inline std::optional<std::int64_t> token_count(const nlohmann::json& value) {
  constexpr double kLimit = 9007199254740992.0;  // 2^53
  if (value.is_number_unsigned()) {
    auto n = value.get<std::uint64_t>();
    return n < static_cast<std::uint64_t>(kLimit) ? std::optional<std::int64_t>(n) : std::nullopt;
  }
  if (!value.is_number()) return std::nullopt;
  double d = value.get<double>();
  if (!(d >= 0 && d < kLimit) || d != std::floor(d)) return std::nullopt;
  return static_cast<std::int64_t>(d);
}

/// obj[key] when it is a string, else "": a server may send anything there, and json::value()
/// throws on a type it did not expect.
inline std::string member_text(const nlohmann::json& obj, const char* key) {
  auto it = obj.is_object() ? obj.find(key) : obj.end();
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// obj[key] when it is an object, else an empty object.
inline nlohmann::json member_object(const nlohmann::json& obj, const char* key) {
  auto it = obj.is_object() ? obj.find(key) : obj.end();
  return it != obj.end() && it->is_object() ? *it : nlohmann::json::object();
}

/// One API's request and response formats.
class WireFormat {
 public:
  virtual ~WireFormat() = default;
  /// The endpoint URL, e.g. {base_url}/chat/completions.
  virtual std::string url() const = 0;
  /// Every request header, credentials included (HttpClient redacts them in logs).
  virtual std::vector<std::pair<std::string, std::string>> headers() const = 0;
  /// The headers of one request: headers() plus what this request needs (a beta header).
  virtual std::vector<std::pair<std::string, std::string>> request_headers(
      const CompletionRequest& request) const {
    (void)request;
    return headers();
  }
  /// The JSON request body.
  [[nodiscard]] virtual Result<std::string> request_body(
      const CompletionRequest& request) const = 0;
  virtual std::unique_ptr<StreamDecoder> stream_decoder() const = 0;
  /// The request body that continues a paused turn: `request` followed by an assistant message
  /// of `paused_content` (the content of every paused response so far, as received).
  [[nodiscard]] virtual Result<std::string> continuation_body(
      const CompletionRequest& request, const nlohmann::json& paused_content) const {
    (void)request;
    (void)paused_content;
    return fail(ErrorCode::kInternal, "this API has no paused turns to continue");
  }
  /// Parses a whole (non-streamed) response body.
  [[nodiscard]] virtual Result<Completion> parse_response(std::string_view body) const = 0;
};

}  // namespace agentry::llm
