// The Anthropic Messages side of the fake server (PROTOCOLS.md §3).
#include <fmt/format.h>

#include "fakellm/render.hpp"
#include "fakellm/thinking_rules.hpp"

namespace agentry::fakellm {

namespace {

using nlohmann::json;

std::string stop_of(const Turn& turn) {
  if (!turn.finish_reason.empty()) return turn.finish_reason;
  return turn.tool_calls.empty() ? "end_turn" : "tool_use";
}

json input_of(const ScriptToolCall& call) {
  json parsed = json::parse(call.arguments, nullptr, false);
  return parsed.is_discarded() ? json::object() : parsed;
}

/// The blocks sent before the text: the thinking block (with thinking_rules: only when the
/// request enabled thinking, always then, after a redacted block every few turns), then the
/// script's server blocks.
json leading_blocks(const Turn& turn, const RequestView& request) {
  json blocks = json::array();
  std::string thinking = turn.thinking;
  if (request.thinking_rules) {
    if (!request.thinking_enabled) thinking.clear();
    if (request.thinking_enabled && thinking.empty())
      thinking = fmt::format("Turn {}: what does the task need next?", request.turn_number);
    if (request.thinking_enabled && request.redacted) {
      blocks.push_back(
          {{"type", "redacted_thinking"}, {"data", redacted_data(request.turn_number)}});
    }
  }
  if (!thinking.empty()) {
    blocks.push_back({{"type", "thinking"},
                      {"thinking", thinking},
                      {"signature", thinking_signature(thinking)}});
  }
  for (const auto& b : turn.server_blocks)
    blocks.push_back(b);
  return blocks;
}

class AnthropicRenderer final : public Renderer {
 public:
  std::string whole_body(const Turn& turn, const RequestView& request) const override {
    json content = leading_blocks(turn, request);
    if (!turn.text.empty()) content.push_back({{"type", "text"}, {"text", turn.text}});
    for (const auto& c : turn.tool_calls) {
      content.push_back(
          {{"type", "tool_use"}, {"id", c.id}, {"name", c.name}, {"input", input_of(c)}});
    }
    Usage u = turn.usage.value_or(request.usage);
    json body = {{"id", fmt::format("msg_fake_{}", request.request_number)},
                 {"type", "message"},
                 {"role", "assistant"},
                 {"model", model(turn, request)},
                 {"content", std::move(content)},
                 {"stop_reason", stop_of(turn)},
                 {"stop_sequence", nullptr},
                 {"usage", usage_json(u)}};
    return body.dump();
  }

  std::vector<std::string> stream_events(const Turn& turn,
                                         const RequestView& request) const override {
    const Shape& s = turn.shape;
    std::vector<std::string> events;
    auto emit = [&](std::string_view name, const json& data) {
      events.push_back(sse_event(s, name, data.dump()));
    };
    Usage u = turn.usage.value_or(request.usage);
    json start_usage = usage_json(u);
    start_usage["output_tokens"] = 1;
    emit("message_start", {{"type", "message_start"},
                           {"message",
                            {{"id", fmt::format("msg_fake_{}", request.request_number)},
                             {"type", "message"},
                             {"role", "assistant"},
                             {"model", model(turn, request)},
                             {"content", json::array()},
                             {"stop_reason", nullptr},
                             {"stop_sequence", nullptr},
                             {"usage", start_usage}}}});
    emit("ping", {{"type", "ping"}});
    if (s.comments) events.push_back(":" + s.line_end + s.line_end);
    int index = 0;
    std::vector<int> open;
    auto stop = [&](int i) {
      emit("content_block_stop", {{"type", "content_block_stop"}, {"index", i}});
    };
    auto close = [&](int i) {
      if (s.overlap_blocks) {
        open.push_back(i);
      } else {
        stop(i);
      }
    };
    for (const auto& block : leading_blocks(turn, request)) {
      // As the API streams them: thinking and signature, and tool input, come as deltas.
      json start = block;
      std::vector<json> deltas;
      if (auto it = block.find("thinking"); it != block.end() && it->is_string()) {
        start["thinking"] = "";
        for (const auto& piece : split_text(it->get<std::string>(), s.text_chunk_chars))
          deltas.push_back({{"type", "thinking_delta"}, {"thinking", piece}});
      }
      if (auto it = block.find("signature"); it != block.end() && it->is_string()) {
        start.erase("signature");
        deltas.push_back({{"type", "signature_delta"}, {"signature", *it}});
      }
      if (auto it = block.find("input"); it != block.end()) {
        start["input"] = json::object();
        deltas.push_back({{"type", "input_json_delta"}, {"partial_json", it->dump()}});
      }
      emit("content_block_start",
           {{"type", "content_block_start"}, {"index", index}, {"content_block", start}});
      for (const auto& d : deltas) {
        emit("content_block_delta",
             {{"type", "content_block_delta"}, {"index", index}, {"delta", d}});
      }
      close(index++);
    }
    if (!turn.text.empty()) {
      emit("content_block_start", {{"type", "content_block_start"},
                                   {"index", index},
                                   {"content_block", {{"type", "text"}, {"text", ""}}}});
      for (const auto& piece : split_text(turn.text, s.text_chunk_chars)) {
        emit("content_block_delta", {{"type", "content_block_delta"},
                                     {"index", index},
                                     {"delta", {{"type", "text_delta"}, {"text", piece}}}});
      }
      close(index++);
    }
    if (s.unknown_event)
      emit("content_block_flush", {{"type", "content_block_flush"}, {"index", 0}});
    for (const auto& c : turn.tool_calls) {
      emit("content_block_start",
           {{"type", "content_block_start"},
            {"index", index},
            {"content_block",
             {{"type", "tool_use"}, {"id", c.id}, {"name", c.name}, {"input", json::object()}}}});
      auto delta = [&](const std::string& part) {
        emit("content_block_delta",
             {{"type", "content_block_delta"},
              {"index", index},
              {"delta", {{"type", "input_json_delta"}, {"partial_json", part}}}});
      };
      delta("");
      if (s.whole_tool_calls) {
        delta(c.arguments);
      } else {
        for (const auto& piece : split_text(c.arguments, s.argument_fragment_chars))
          delta(piece);
      }
      emit("ping", {{"type", "ping"}});
      close(index++);
    }
    for (int i : open)
      stop(i);
    emit("message_delta", {{"type", "message_delta"},
                           {"delta", {{"stop_reason", stop_of(turn)}, {"stop_sequence", nullptr}}},
                           {"usage", usage_json(u)}});  // cumulative, as the API sends it
    emit("message_stop", {{"type", "message_stop"}});
    return events;
  }

  std::string malformed_event(const Shape& shape) const override {
    return sse_event(shape, "content_block_delta",
                     R"({"type":"content_block_delta","index":0,"delta":{"type":"text_del)");
  }

  std::string error_event(const Fault& fault, const Shape& shape) const override {
    return sse_event(shape, "error",
                     json{{"type", "error"}, {"error", error_object(fault, 529)}}.dump());
  }

  std::string error_body(const Fault& fault, int status) const override {
    if (fault.body) return *fault.body;
    return json{
        {"type", "error"}, {"error", error_object(fault, status)}, {"request_id", "req_fake"}}
        .dump();
  }

  int assistant_messages(const json& body) const override {
    int n = 0;
    for (const auto& m : body.value("messages", json::array())) {
      if (m.is_object() && m.value("role", "") == "assistant") ++n;
    }
    return n;
  }

  std::string last_message_text(const json& body) const override {
    json messages = body.value("messages", json::array());
    if (!messages.is_array() || messages.empty() || !messages.back().is_object()) return {};
    return content_text(messages.back().value("content", json()));
  }

 private:
  static std::string model(const Turn& turn, const RequestView& request) {
    return turn.shape.model.empty() ? request.model() : turn.shape.model;
  }

  static json usage_json(const Usage& u) {
    return {{"input_tokens", u.input_tokens},
            {"output_tokens", u.output_tokens},
            {"cache_creation_input_tokens", u.cache_write_tokens},
            {"cache_read_input_tokens", u.cache_read_tokens}};
  }

  static std::string content_text(const json& content) {
    if (content.is_string()) return content.get<std::string>();
    std::string out;
    if (!content.is_array()) return out;
    for (const auto& block : content) {
      if (!block.is_object()) continue;
      if (block.value("type", "") == "text") out += block.value("text", "");
      if (block.value("type", "") == "tool_result")
        out += content_text(block.value("content", json()));
    }
    return out;
  }

  static json error_object(const Fault& fault, int status) {
    std::string type = fault.error_type;
    if (type.empty()) {
      type = status == 429   ? "rate_limit_error"
             : status == 529 ? "overloaded_error"
             : status == 401 ? "authentication_error"
             : status == 403 ? "permission_error"
             : status == 404 ? "not_found_error"
             : status >= 500 ? "api_error"
                             : "invalid_request_error";
    }
    std::string message =
        fault.error_message.empty()
            ? (status == 529 ? std::string("Overloaded")
                             : fmt::format("fake-llm: injected error (HTTP {})", status))
            : fault.error_message;
    return {{"type", type}, {"message", message}};
  }
};

}  // namespace

std::unique_ptr<Renderer> make_anthropic_renderer() {
  return std::make_unique<AnthropicRenderer>();
}

}  // namespace agentry::fakellm
