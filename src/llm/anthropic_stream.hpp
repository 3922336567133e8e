#pragma once
/// Decoding a streamed Anthropic message (PROTOCOLS.md §3.3).
///
/// Blocks are tracked by `index`, never as "the open block", because llama.cpp sends every
/// content_block_stop at the end. A tool_use block's `partial_json` fragments are joined and
/// parsed once at its content_block_stop (all empty: `{}`). Tool calls are announced when the
/// stop reason arrives (not with max_tokens: they may be cut off). `ping` and unknown events are
/// ignored; `event: error` ends the call with the server's message. Whole at `message_stop`.
///
/// Thinking streams as ThinkingDelta events (thinking_delta); thinking and redacted_thinking
/// blocks end in Message::thinking as received, signature_delta applied.
///
/// Every block is also kept as received (its content_block_start object with its text, thinking,
/// signature, citations and input deltas applied, unknown types verbatim) so that a paused turn
/// (`pause_turn`) can be sent back whole in Completion::paused_content.
#include <map>
#include <string>
#include <vector>

#include "llm/wire_format.hpp"

namespace agentry::llm {

class AnthropicStreamDecoder final : public StreamDecoder {
 public:
  [[nodiscard]] Result<void> on_event(const SseEvent& event, const StreamSink& sink) override;
  bool complete() const override { return stopped_; }
  bool delivered() const override { return delivered_; }
  std::size_t text_size() const override { return text_size_; }
  std::size_t arguments_size() const override { return arguments_size_ + thinking_size_; }
  Completion finish(const StreamSink& sink) override;

 private:
  struct Block {
    std::string type;
    std::string text;
    std::string id;
    std::string name;
    std::string json;  ///< joined partial_json
    nlohmann::json initial_input;
    nlohmann::json raw;  ///< the block as received, deltas other than text and input applied
    bool closed = false;
  };
  void close_block(int index);
  void deliver_calls(const StreamSink& sink);
  nlohmann::json paused_content() const;

  std::map<int, Block> blocks_;
  std::vector<ToolCall> calls_;
  std::string model_;
  Usage usage_;
  bool usage_seen_ = false;
  std::string stop_reason_;
  bool stop_reason_seen_ = false;
  bool stopped_ = false;
  bool calls_delivered_ = false;
  bool delivered_ = false;
  std::size_t text_size_ = 0;
  std::size_t arguments_size_ = 0;
  std::size_t thinking_size_ = 0;  ///< counted with the arguments against max_output_bytes
};

}  // namespace agentry::llm
