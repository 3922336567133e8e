// The OpenAI chat-completions side of the fake server (PROTOCOLS.md §2).
#include <fmt/format.h>

#include "fakellm/render.hpp"

namespace agentry::fakellm {

namespace {

using nlohmann::json;

std::string finish_of(const Turn& turn) {
  if (!turn.finish_reason.empty()) return turn.finish_reason;
  return turn.tool_calls.empty() ? "stop" : "tool_calls";
}

json usage_json(const Usage& u) {
  json j = {{"prompt_tokens", u.input_tokens + u.cache_read_tokens},
            {"completion_tokens", u.output_tokens},
            {"total_tokens", u.input_tokens + u.cache_read_tokens + u.output_tokens}};
  j["prompt_tokens_details"] = {{"cached_tokens", u.cache_read_tokens}};
  if (u.reasoning_tokens > 0)
    j["completion_tokens_details"] = {{"reasoning_tokens", u.reasoning_tokens}};
  return j;
}

json arguments_value(const ScriptToolCall& call, const Shape& shape) {
  if (shape.arguments_as_object) {
    json parsed = json::parse(call.arguments, nullptr, false);
    if (!parsed.is_discarded()) return parsed;
  }
  return call.arguments;
}

/// Text as one content part of `type` (Magistral wraps a thinking part's text in parts again).
json content_part(const char* type, const std::string& text) {
  if (std::string_view(type) == "thinking") {
    return {{"type", "thinking"}, {"thinking", json::array({{{"type", "text"}, {"text", text}}})}};
  }
  return {{"type", type}, {"text", text}};
}

class OpenAiRenderer final : public Renderer {
 public:
  std::string whole_body(const Turn& turn, const RequestView& request) const override {
    json message = {{"role", "assistant"},
                    {"content", turn.text.empty() && !turn.tool_calls.empty() ? json(nullptr)
                                                                              : json(turn.text)}};
    if (turn.shape.content_parts) {
      json parts = json::array();
      if (!turn.thinking.empty()) parts.push_back(content_part("thinking", turn.thinking));
      if (!turn.text.empty()) parts.push_back(content_part("text", turn.text));
      message["content"] = std::move(parts);
    } else if (!turn.thinking.empty()) {
      message["reasoning_content"] = turn.thinking;
    }
    if (!turn.tool_calls.empty()) {
      json calls = json::array();
      for (const auto& c : turn.tool_calls) {
        json call = {
            {"type", "function"},
            {"function", {{"name", c.name}, {"arguments", arguments_value(c, turn.shape)}}}};
        if (!turn.shape.missing_ids) call["id"] = c.id;
        calls.push_back(std::move(call));
      }
      message["tool_calls"] = std::move(calls);
    }
    json body = {{"id", fmt::format("chatcmpl-fake-{}", request.request_number)},
                 {"object", "chat.completion"},
                 {"created", 1763900000},
                 {"model", model(turn, request)},
                 {"choices", json::array({{{"index", 0},
                                           {"message", message},
                                           {"finish_reason", finish_of(turn)},
                                           {"logprobs", nullptr}}})}};
    body["usage"] = usage_json(turn.usage.value_or(request.usage));
    return body.dump();
  }

  std::vector<std::string> stream_events(const Turn& turn,
                                         const RequestView& request) const override {
    const Shape& s = turn.shape;
    std::vector<std::string> events;
    std::string id = fmt::format("chatcmpl-fake-{}", request.request_number);
    std::string m = model(turn, request);
    auto chunk = [&](json choices, json usage = nullptr) {
      json c = {{"id", id},
                {"object", "chat.completion.chunk"},
                {"created", 1763900000},
                {"model", m},
                {"choices", std::move(choices)}};
      if (request.include_usage()) c["usage"] = std::move(usage);
      events.push_back(sse_event(s, "", c.dump()));
    };
    auto delta = [&](json d, json finish = nullptr) {
      chunk(json::array(
          {{{"index", 0}, {"delta", std::move(d)}, {"finish_reason", std::move(finish)}}}));
    };
    if (s.comments) events.push_back(": OPENROUTER PROCESSING" + s.line_end + s.line_end);
    if (s.empty_first_chunk) {
      events.push_back(sse_event(s, "",
                                 json{{"id", ""},
                                      {"object", ""},
                                      {"created", 0},
                                      {"model", ""},
                                      {"choices", json::array()},
                                      {"prompt_filter_results", json::array()}}
                                     .dump()));
    }
    delta({{"role", "assistant"}, {"content", ""}});
    for (const auto& piece : split_text(turn.thinking, s.text_chunk_chars)) {
      if (s.content_parts) {
        delta({{"content", json::array({content_part("thinking", piece)})}});
      } else {
        delta({{"reasoning_content", piece}});
      }
    }
    for (const auto& piece : split_text(turn.text, s.text_chunk_chars)) {
      delta({{"content",
              s.content_parts ? json::array({content_part("text", piece)}) : json(piece)}});
      if (s.comments && events.size() == 4)
        events.push_back(": ping - 2026-11-20 10:00:00" + s.line_end + s.line_end);
    }
    if (s.whole_tool_calls || s.arguments_as_object || s.missing_ids) {
      for (std::size_t i = 0; i < turn.tool_calls.size(); ++i) {
        const auto& c = turn.tool_calls[i];
        json call = {{"index", i},
                     {"type", "function"},
                     {"function", {{"name", c.name}, {"arguments", arguments_value(c, s)}}}};
        if (!s.missing_ids) call["id"] = c.id;
        delta({{"tool_calls", json::array({call})}});
      }
    } else {
      // Heads first, then the argument fragments of all calls interleaved, as parallel calls
      // arrive from real servers.
      std::vector<std::vector<std::string>> fragments;
      for (std::size_t i = 0; i < turn.tool_calls.size(); ++i) {
        const auto& c = turn.tool_calls[i];
        delta(
            {{"tool_calls", json::array({{{"index", i},
                                          {"id", c.id},
                                          {"type", "function"},
                                          {"function", {{"name", c.name}, {"arguments", ""}}}}})}});
        fragments.push_back(split_text(c.arguments, s.argument_fragment_chars));
      }
      for (std::size_t k = 0;; ++k) {
        bool any = false;
        for (std::size_t i = 0; i < fragments.size(); ++i) {
          if (k >= fragments[i].size()) continue;
          any = true;
          delta({{"tool_calls",
                  json::array({{{"index", i}, {"function", {{"arguments", fragments[i][k]}}}}})}});
        }
        if (!any) break;
      }
    }
    delta(json::object(), finish_of(turn));
    if (request.include_usage())
      chunk(json::array(), usage_json(turn.usage.value_or(request.usage)));
    if (!s.omit_done) events.push_back(sse_event(s, "", "[DONE]"));
    return events;
  }

  std::string malformed_event(const Shape& shape) const override {
    return sse_event(shape, "",
                     R"({"id":"chatcmpl-fake","choices":[{"index":0,"delta":{"content":"tr)");
  }

  std::string error_event(const Fault& fault, const Shape& shape) const override {
    return sse_event(shape, "", json{{"error", error_object(fault, 500)}}.dump());
  }

  std::string error_body(const Fault& fault, int status) const override {
    if (fault.body) return *fault.body;
    return json{{"error", error_object(fault, status)}}.dump();
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

  static json error_object(const Fault& fault, int status) {
    std::string type = fault.error_type;
    if (type.empty()) {
      type = status == 429   ? "rate_limit_exceeded"
             : status == 401 ? "invalid_request_error"
             : status >= 500 ? "server_error"
                             : "invalid_request_error";
    }
    std::string message = fault.error_message.empty()
                              ? fmt::format("fake-llm: injected error (HTTP {})", status)
                              : fault.error_message;
    json code = nullptr;
    if (!fault.error_code.empty()) {
      json parsed = json::parse(fault.error_code, nullptr, false);
      code = !parsed.is_discarded() && parsed.is_number() ? parsed : json(fault.error_code);
    }
    return {{"message", message}, {"type", type}, {"param", nullptr}, {"code", code}};
  }
};

}  // namespace

std::unique_ptr<Renderer> make_openai_renderer() {
  return std::make_unique<OpenAiRenderer>();
}

}  // namespace agentry::fakellm
