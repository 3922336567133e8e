#include "llm/anthropic_stream.hpp"

#include <fmt/format.h>

#include "core/json_depth.hpp"
#include "core/text.hpp"
#include "llm/anthropic_wire.hpp"
#include "llm/error_body.hpp"
#include "llm/stream_event_json.hpp"
#include "llm/tool_call_parts.hpp"

namespace agentry::llm {

using nlohmann::json;

namespace {

std::string str(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// obj[key] when it is an object, else an empty one: a server may send anything there.
json object_member(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_object() ? *it : json::object();
}

/// Appends `text` to the string obj[key] (created when absent or not a string).
void append_member(json& obj, const char* key, const std::string& text) {
  if (!obj.is_object()) return;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) {
    obj[key] = text;
  } else {
    it->get_ref<std::string&>() += text;
  }
}

int index_of(const json& obj) {
  auto it = obj.find("index");
  return it != obj.end() && it->is_number_integer() ? it->get<int>() : 0;
}

}  // namespace

void AnthropicStreamDecoder::close_block(int index) {
  auto it = blocks_.find(index);
  if (it == blocks_.end() || it->second.closed) return;
  Block& b = it->second;
  b.closed = true;
  if (b.type != "tool_use") return;
  if (b.json.find_first_not_of(" \t\r\n") == std::string::npos) {
    // No fragments: the input is the one content_block_start carried (normally {}).
    ToolCall call = make_tool_call(b.id, b.name, "");
    if (b.initial_input.is_object()) call.arguments = b.initial_input;
    call.raw_arguments = call.arguments.dump();
    calls_.push_back(std::move(call));
  } else {
    calls_.push_back(make_tool_call(b.id, b.name, b.json));
  }
}

Result<void> AnthropicStreamDecoder::on_event(const SseEvent& event, const StreamSink& sink) {
  auto parsed = stream_event_json(event);
  if (!parsed) return tl::make_unexpected(std::move(parsed.error()));
  json data = std::move(*parsed);
  std::string type = event.type == "message" ? str(data, "type") : event.type;
  if (type == "error") {
    ServerError server = parse_server_error(data);
    Error error(ErrorCode::kHttp,
                fmt::format("the server reported an error mid-stream: {}{}", server.message,
                            server.type.empty() ? "" : fmt::format(" [{}]", server.type)));
    error.retryable = is_retryable_stream_error(server);
    mark_context_overflow(error, 0, server);
    if (server.type == "overloaded_error" || server.type == "rate_limit_error") {
      error.code = ErrorCode::kRateLimited;
    }
    return tl::make_unexpected(std::move(error));
  }
  if (type == "message_start") {
    const json message = object_member(data, "message");
    model_ = str(message, "model");
    if (message.contains("usage")) {
      anthropic_usage(message["usage"], usage_);
      usage_seen_ = true;
    }
  } else if (type == "content_block_start") {
    const json block = object_member(data, "content_block");
    Block& b = blocks_[index_of(data)];
    b.type = str(block, "type");
    b.id = str(block, "id");
    b.name = str(block, "name");
    b.initial_input = block.value("input", json::object());
    b.raw = block;
    if (b.type == "text") {
      std::string initial = str(block, "text");
      if (!initial.empty()) {
        b.text += initial;
        text_size_ += initial.size();
        delivered_ = true;
        sink(TextDelta{std::move(initial)});
      }
    } else if (b.type == "thinking") {
      std::string initial = str(block, "thinking");
      if (!initial.empty()) {
        delivered_ = true;
        sink(ThinkingDelta{std::move(initial)});
      }
    }
  } else if (type == "content_block_delta") {
    const json delta = object_member(data, "delta");
    Block& b = blocks_[index_of(data)];
    std::string delta_type = str(delta, "type");
    if (delta_type == "text_delta") {
      std::string text = str(delta, "text");
      if (!text.empty()) {
        b.text += text;
        text_size_ += text.size();
        delivered_ = true;
        sink(TextDelta{std::move(text)});
      }
    } else if (delta_type == "input_json_delta") {
      std::size_t before = b.json.size();
      b.json += str(delta, "partial_json");
      arguments_size_ += b.json.size() - before;
    } else if (delta_type == "thinking_delta") {
      std::string thinking = str(delta, "thinking");
      append_member(b.raw, "thinking", thinking);
      thinking_size_ += thinking.size();
      if (!thinking.empty()) {
        delivered_ = true;
        sink(ThinkingDelta{std::move(thinking)});
      }
    } else if (delta_type == "signature_delta") {
      append_member(b.raw, "signature", str(delta, "signature"));
    } else if (delta_type == "citations_delta" && b.raw.is_object()) {
      if (auto it = delta.find("citation"); it != delta.end()) b.raw["citations"].push_back(*it);
    }
  } else if (type == "content_block_stop") {
    close_block(index_of(data));
  } else if (type == "message_delta") {
    const json delta = object_member(data, "delta");
    if (auto it = delta.find("stop_reason"); it != delta.end() && it->is_string()) {
      stop_reason_ = it->get<std::string>();
      stop_reason_seen_ = true;
    }
    if (data.contains("usage")) {
      anthropic_usage(data["usage"], usage_);
      usage_seen_ = true;
    }
    if (stop_reason_seen_) deliver_calls(sink);
  } else if (type == "message_stop") {
    stopped_ = true;
  }
  return {};
}

void AnthropicStreamDecoder::deliver_calls(const StreamSink& sink) {
  if (calls_delivered_) return;
  for (const auto& [index, block] : blocks_)
    close_block(index);
  calls_delivered_ = true;
  if (anthropic_finish_reason(stop_reason_, !calls_.empty()) == FinishReason::kLength) return;
  for (const auto& call : calls_) {
    delivered_ = true;
    sink(ToolCallReady{call});
  }
}

json AnthropicStreamDecoder::paused_content() const {
  json content = json::array();
  for (const auto& [index, block] : blocks_) {
    json raw = block.raw.is_object() ? block.raw : json{{"type", block.type}};
    if (block.type == "text") raw["text"] = block.text;
    if (block.json.find_first_not_of(" \t\r\n") != std::string::npos &&
        !json_too_deep(block.json)) {
      json input = json::parse(block.json, nullptr, false);
      if (!input.is_discarded()) raw["input"] = std::move(input);
    }
    content.push_back(std::move(raw));
  }
  return content;
}

Completion AnthropicStreamDecoder::finish(const StreamSink& sink) {
  deliver_calls(sink);
  Completion c;
  c.model = model_;
  std::string text;
  for (const auto& [index, block] : blocks_)
    text += block.text;
  c.message = Message::assistant(std::move(text), calls_);
  json raws = json::array();
  for (const auto& [index, block] : blocks_)
    raws.push_back(block.raw);
  c.message.thinking = anthropic_thinking_blocks(raws);
  c.finish = anthropic_finish_reason(stop_reason_, !calls_.empty());
  if (stop_reason_ == kPauseTurn) c.paused_content = paused_content();
  c.usage = usage_;
  if (usage_seen_) sink(UsageReport{usage_});
  return c;
}

}  // namespace agentry::llm
