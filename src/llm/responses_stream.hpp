#pragma once
/// Decoding a streamed OpenAI Responses answer (responses_wire.hpp).
///
/// Output items are tracked by `output_index`: response.output_item.added opens one,
/// response.output_text.delta (and refusal deltas) stream its text, response.function_call_
/// arguments.delta/done its arguments, response.reasoning_summary_text.delta and
/// response.reasoning_text.delta its reasoning (streamed as ThinkingDelta), and
/// response.output_item.done gives the whole item — kept verbatim for a reasoning item, since it
/// must go back unchanged with its encrypted_content. Tool calls are announced at
/// response.completed; response.incomplete ends the answer with its reason (max_output_tokens:
/// kLength, calls not announced); response.failed and `error` events end the call with a typed
/// error (responses_error). Other events (created, in_progress, content parts, …) carry nothing
/// more. Whole at response.completed or response.incomplete.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm/wire_format.hpp"

namespace agentry::llm {

class ResponsesStreamDecoder final : public StreamDecoder {
 public:
  [[nodiscard]] Result<void> on_event(const SseEvent& event, const StreamSink& sink) override;
  bool complete() const override { return done_; }
  bool delivered() const override { return delivered_; }
  std::size_t text_size() const override { return text_size_; }
  std::size_t arguments_size() const override { return arguments_size_; }
  Completion finish(const StreamSink& sink) override;

 private:
  struct Item {
    nlohmann::json raw;  ///< output_item.added's item, replaced by output_item.done's
    std::string text;    ///< streamed answer text (message items)
    std::string arguments;
    bool arguments_done = false;
    std::string reasoning;  ///< streamed reasoning text
    int summary_index = -1;
    bool done = false;
  };
  Item& item_at(const nlohmann::json& data);
  void deliver_text(Item& item, std::string text, const StreamSink& sink);
  void deliver_thinking(Item& item, const nlohmann::json& data, const StreamSink& sink);
  void end_response(const nlohmann::json& response, const StreamSink& sink);
  Message assemble() const;

  std::map<int, Item> items_;
  std::string model_;
  Usage usage_;
  bool usage_seen_ = false;
  FinishReason finish_ = FinishReason::kUnknown;
  bool done_ = false;
  bool calls_delivered_ = false;
  bool delivered_ = false;
  std::size_t text_size_ = 0;
  std::size_t arguments_size_ = 0;
};

}  // namespace agentry::llm
