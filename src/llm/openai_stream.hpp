#pragma once
/// Decoding a streamed chat completion (PROTOCOLS.md §2.3, §2.5).
///
/// Tool-call fragments are joined by `index`: arguments concatenate, and for id and name the
/// first non-empty value wins, so servers that repeat them, or send a whole call in one delta
/// (Ollama), or arguments as an object (a llama.cpp series) all work; a missing id is invented.
/// Calls are delivered once the finish reason (or `[DONE]`) arrives, in index order; with
/// finish_reason "length" they may be cut off, so they stay in the message but are not announced
/// as ready. The stream is whole after a finish reason or `[DONE]`: servers that never send
/// `[DONE]` are fine. `{"error":…}` payloads end the call with the server's message.
/// `delta.content` is read by openai_content(): a string or a list of typed parts (Magistral);
/// thinking parts stay out of the answer, and a shape it cannot read ends the call with an error.
/// Reasoning (`reasoning_content` / `reasoning` fields, thinking parts) streams as ThinkingDelta
/// and ends in Message::thinking, never in the answer.
#include <map>
#include <string>

#include "llm/tool_call_parts.hpp"
#include "llm/wire_format.hpp"

namespace agentry::llm {

class OpenAiStreamDecoder final : public StreamDecoder {
 public:
  [[nodiscard]] Result<void> on_event(const SseEvent& event, const StreamSink& sink) override;
  bool complete() const override { return done_ || finish_seen_; }
  bool delivered() const override { return delivered_; }
  std::size_t text_size() const override { return text_.size(); }
  std::size_t arguments_size() const override { return arguments_size_ + reasoning_.size(); }
  Completion finish(const StreamSink& sink) override;

 private:
  struct PartialCall {
    std::string id;
    std::string name;
    std::string arguments;
  };
  void apply_tool_delta(const nlohmann::json& delta, std::size_t position);
  void deliver_calls(const StreamSink& sink);
  /// Reasoning text: kept, and streamed as ThinkingDelta.
  void think(std::string text, const StreamSink& sink);

  std::string text_;
  std::string reasoning_;
  std::size_t arguments_size_ = 0;
  std::string model_;
  std::map<int, PartialCall> calls_;
  std::vector<ToolCall> built_;
  Usage usage_;
  bool usage_seen_ = false;
  std::string finish_reason_;
  bool finish_seen_ = false;
  bool done_ = false;
  bool calls_delivered_ = false;
  bool delivered_ = false;
  ToolCallIdSource ids_;
};

}  // namespace agentry::llm
