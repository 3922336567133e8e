#include "llm/responses_stream.hpp"

#include "llm/responses_wire.hpp"
#include "llm/stream_event_json.hpp"

namespace agentry::llm {

using nlohmann::json;

namespace {

int output_index(const json& data) {
  auto it = data.find("output_index");
  return it != data.end() && it->is_number_integer() ? it->get<int>() : 0;
}

}  // namespace

ResponsesStreamDecoder::Item& ResponsesStreamDecoder::item_at(const json& data) {
  return items_[output_index(data)];
}

void ResponsesStreamDecoder::deliver_text(Item& item, std::string text, const StreamSink& sink) {
  if (text.empty()) return;
  item.text += text;
  text_size_ += text.size();
  delivered_ = true;
  sink(TextDelta{std::move(text)});
}

void ResponsesStreamDecoder::deliver_thinking(Item& item, const json& data,
                                              const StreamSink& sink) {
  std::string text = member_text(data, "delta");
  if (text.empty()) return;
  // Summary parts are paragraphs of their own.
  auto index = data.find("summary_index");
  int summary = index != data.end() && index->is_number_integer() ? index->get<int>() : 0;
  if (summary != item.summary_index) {
    if (!item.reasoning.empty()) text.insert(0, "\n\n");
    item.summary_index = summary;
  }
  item.reasoning += text;
  delivered_ = true;
  sink(ThinkingDelta{std::move(text)});
}

Result<void> ResponsesStreamDecoder::on_event(const SseEvent& event, const StreamSink& sink) {
  auto parsed = stream_event_json(event);
  if (!parsed) return tl::make_unexpected(std::move(parsed.error()));
  json data = std::move(*parsed);
  std::string type = member_text(data, "type");
  if (type.empty()) type = event.type;
  if (type == "error") {
    return tl::make_unexpected(responses_error(data, "the server reported an error mid-stream"));
  }
  if (type == "response.failed") {
    json response = member_object(data, "response");
    return tl::make_unexpected(
        responses_error(response.contains("error") ? response : data, "the response failed"));
  }
  if (type == "response.created" || type == "response.in_progress") {
    std::string model = member_text(member_object(data, "response"), "model");
    if (!model.empty()) model_ = std::move(model);
  } else if (type == "response.output_item.added") {
    Item& item = item_at(data);
    item.raw = member_object(data, "item");
  } else if (type == "response.output_text.delta" || type == "response.refusal.delta") {
    deliver_text(item_at(data), member_text(data, "delta"), sink);
  } else if (type == "response.function_call_arguments.delta") {
    std::string delta = member_text(data, "delta");
    arguments_size_ += delta.size();
    item_at(data).arguments += delta;
  } else if (type == "response.function_call_arguments.done") {
    Item& item = item_at(data);
    if (auto it = data.find("arguments"); it != data.end() && it->is_string()) {
      const auto& whole = it->get_ref<const std::string&>();
      if (whole.size() > item.arguments.size())
        arguments_size_ += whole.size() - item.arguments.size();
      item.arguments = whole;
    }
    item.arguments_done = true;
  } else if (type == "response.reasoning_summary_text.delta" ||
             type == "response.reasoning_text.delta") {
    deliver_thinking(item_at(data), data, sink);
  } else if (type == "response.output_item.done") {
    Item& item = item_at(data);
    item.raw = member_object(data, "item");
    item.done = true;
    // A message item whose text never streamed as deltas: its text now.
    if (member_text(item.raw, "type") == "message" && item.text.empty()) {
      Message m;
      add_output_item(item.raw, m);
      deliver_text(item, std::move(m.text), sink);
    }
  } else if (type == "response.completed" || type == "response.incomplete") {
    end_response(member_object(data, "response"), sink);
  }
  return {};
}

void ResponsesStreamDecoder::end_response(const json& response, const StreamSink& sink) {
  done_ = true;
  std::string model = member_text(response, "model");
  if (!model.empty()) model_ = std::move(model);
  if (auto it = response.find("usage"); it != response.end() && it->is_object()) {
    responses_usage(*it, usage_);
    usage_seen_ = true;
  }
  Message message = assemble();
  finish_ = responses_finish_reason(response, !message.tool_calls.empty());
  if (calls_delivered_ || finish_ == FinishReason::kLength) return;
  calls_delivered_ = true;
  for (auto& call : message.tool_calls) {
    delivered_ = true;
    sink(ToolCallReady{std::move(call)});
  }
}

Message ResponsesStreamDecoder::assemble() const {
  Message m;
  m.role = Role::kAssistant;
  for (const auto& [index, item] : items_) {
    std::string type = member_text(item.raw, "type");
    if (type == "message") {
      m.text += item.text;
    } else if (type == "reasoning") {
      add_output_item(item.raw, m);
      if (m.thinking.back().text.empty()) m.thinking.back().text = item.reasoning;
    } else if (type == "function_call") {
      json call = item.raw;
      auto args = call.find("arguments");
      bool whole_args = item.done && args != call.end() && args->is_string() &&
                        !args->get_ref<const std::string&>().empty();
      if (!whole_args) call["arguments"] = item.arguments;
      add_output_item(call, m);
    }
  }
  return m;
}

Completion ResponsesStreamDecoder::finish(const StreamSink& sink) {
  Completion c;
  c.model = model_;
  c.message = assemble();
  c.finish = done_ ? finish_ : FinishReason::kUnknown;
  c.usage = usage_;
  if (usage_seen_) sink(UsageReport{usage_});
  return c;
}

}  // namespace agentry::llm
