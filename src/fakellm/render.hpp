#pragma once
/// Turning a script turn into bytes of one wire protocol: whole bodies, SSE events, error
/// bodies, and the faulty events the server injects. One Renderer per protocol.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fakellm/script.hpp"

namespace agentry::fakellm {

/// What the renderer needs to know of the request it answers.
struct RequestView {
  const nlohmann::json& body;  ///< the parsed request (an object)
  int request_number = 0;      ///< 1-based, for unique ids
  Usage usage;                 ///< the server's count, reported unless the turn scripts usage
  /// With thinking_rules (Anthropic): whether the request enabled thinking (else no thinking
  /// blocks are sent), and whether this answer holds a redacted_thinking block.
  bool thinking_rules = false;
  bool thinking_enabled = false;
  int turn_number = 0;  ///< assistant messages in the request + 1
  bool redacted = false;
  std::string model() const;
  bool include_usage() const;  ///< OpenAI: stream_options.include_usage
};

class Renderer {
 public:
  virtual ~Renderer() = default;
  /// The non-streamed answer body.
  virtual std::string whole_body(const Turn& turn, const RequestView& request) const = 0;
  /// The streamed answer, one complete SSE event (or comment) per element.
  virtual std::vector<std::string> stream_events(const Turn& turn,
                                                 const RequestView& request) const = 0;
  /// An event whose JSON is cut short.
  virtual std::string malformed_event(const Shape& shape) const = 0;
  /// An in-stream error event in this protocol's form.
  virtual std::string error_event(const Fault& fault, const Shape& shape) const = 0;
  /// The body of an HTTP error answer.
  virtual std::string error_body(const Fault& fault, int status) const = 0;
  /// Assistant messages in the request's history.
  virtual int assistant_messages(const nlohmann::json& body) const = 0;
  /// The text of the request's last message (tool results included).
  virtual std::string last_message_text(const nlohmann::json& body) const = 0;
};

std::unique_ptr<Renderer> make_openai_renderer();
std::unique_ptr<Renderer> make_anthropic_renderer();
std::unique_ptr<Renderer> make_responses_renderer();  ///< OpenAI Responses (/v1/responses)

/// The text of a message `content`: a string, or the `text` of each part of a list.
std::string content_text(const nlohmann::json& content);

/// One SSE event: an optional `event:` line and one `data:` line, ended per `shape`.
std::string sse_event(const Shape& shape, std::string_view event, std::string_view data);
/// `text` in stream pieces: words (with their trailing spaces) or `chunk_chars`-sized pieces,
/// never splitting a UTF-8 sequence.
std::vector<std::string> split_text(std::string_view text, int chunk_chars);

}  // namespace agentry::fakellm
