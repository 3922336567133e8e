// The OpenAI Responses side of the fake server (/v1/responses; responses_rules.hpp for the
// reasoning items it issues and the rules it enforces).
#include <fmt/format.h>

#include "fakellm/prompt.hpp"
#include "fakellm/render.hpp"
#include "fakellm/responses_rules.hpp"

namespace agentry::fakellm {

namespace {

using nlohmann::json;

json usage_json(const Usage& u, const Turn& turn) {
  std::int64_t reasoning = turn.usage ? turn.usage->reasoning_tokens : count_tokens(turn.thinking);
  return {{"input_tokens", u.input_tokens + u.cache_read_tokens},
          {"input_tokens_details", {{"cached_tokens", u.cache_read_tokens}}},
          {"output_tokens", u.output_tokens},
          {"output_tokens_details", {{"reasoning_tokens", reasoning}}},
          {"total_tokens", u.input_tokens + u.cache_read_tokens + u.output_tokens}};
}

/// "completed", or "incomplete" with its reason for a turn scripted to stop short.
void set_status(json& response, const Turn& turn) {
  if (turn.finish_reason == "length" || turn.finish_reason == "max_output_tokens") {
    response["status"] = "incomplete";
    response["incomplete_details"] = {{"reason", "max_output_tokens"}};
  } else if (turn.finish_reason == "content_filter") {
    response["status"] = "incomplete";
    response["incomplete_details"] = {{"reason", "content_filter"}};
  } else {
    response["status"] = "completed";
    response["incomplete_details"] = nullptr;
  }
}

class ResponsesRenderer final : public Renderer {
 public:
  std::string whole_body(const Turn& turn, const RequestView& request) const override {
    json response = envelope(turn, request);
    response["output"] = output_items(turn, request);
    set_status(response, turn);
    response["usage"] = usage_json(turn.usage.value_or(request.usage), turn);
    return response.dump();
  }

  std::vector<std::string> stream_events(const Turn& turn,
                                         const RequestView& request) const override {
    const Shape& s = turn.shape;
    std::vector<std::string> events;
    int sequence = 0;
    auto event = [&](const char* type, json data) {
      json e = {{"type", type}, {"sequence_number", sequence++}};
      e.update(data);
      events.push_back(sse_event(s, type, e.dump()));
    };
    json response = envelope(turn, request);
    response["status"] = "in_progress";
    response["output"] = json::array();
    event("response.created", {{"response", response}});
    event("response.in_progress", {{"response", response}});
    json items = output_items(turn, request);
    for (std::size_t i = 0; i < items.size(); ++i) {
      const json& item = items[i];
      const std::string type = item["type"];
      const std::string id = item["id"];
      json added = item;
      if (type == "reasoning") {
        added["summary"] = json::array();
        added.erase("encrypted_content");
      } else if (type == "message") {
        added["content"] = json::array();
        added["status"] = "in_progress";
      } else {
        added["arguments"] = "";
        added["status"] = "in_progress";
      }
      event("response.output_item.added", {{"output_index", i}, {"item", added}});
      if (type == "reasoning") {
        reasoning_events(event, item, i, s);
      } else if (type == "message") {
        const std::string text = item["content"][0]["text"];
        json part = {{"type", "output_text"}, {"text", ""}, {"annotations", json::array()}};
        json at = {{"item_id", id}, {"output_index", i}, {"content_index", 0}};
        event("response.content_part.added", with(at, "part", part));
        for (const auto& piece : split_text(text, s.text_chunk_chars))
          event("response.output_text.delta", with(at, "delta", piece));
        event("response.output_text.done", with(at, "text", text));
        part["text"] = text;
        event("response.content_part.done", with(at, "part", part));
      } else {
        const std::string args = item["arguments"];
        json at = {{"item_id", id}, {"output_index", i}};
        for (const auto& piece : split_text(args, s.argument_fragment_chars))
          event("response.function_call_arguments.delta", with(at, "delta", piece));
        event("response.function_call_arguments.done", with(at, "arguments", args));
      }
      event("response.output_item.done", {{"output_index", i}, {"item", item}});
    }
    response["output"] = std::move(items);
    set_status(response, turn);
    response["usage"] = usage_json(turn.usage.value_or(request.usage), turn);
    const bool done = response["status"] == "completed";
    event(done ? "response.completed" : "response.incomplete", {{"response", response}});
    return events;
  }

  std::string malformed_event(const Shape& shape) const override {
    return sse_event(shape, "response.output_text.delta",
                     R"({"type":"response.output_text.delta","output_index":0,"delta":"tr)");
  }

  std::string error_event(const Fault& fault, const Shape& shape) const override {
    json e = error_object(fault, 500);
    e.erase("type_");
    e["type"] = "error";
    e["sequence_number"] = 0;
    return sse_event(shape, "error", e.dump());
  }

  std::string error_body(const Fault& fault, int status) const override {
    if (fault.body) return *fault.body;
    json e = error_object(fault, status);
    e["type"] = e["type_"];
    e.erase("type_");
    return json{{"error", e}}.dump();
  }

  int assistant_messages(const json& body) const override {
    int n = 0;
    bool in_run = false;
    for (const auto& item : body.value("input", json::array())) {
      bool assistant = item.is_object() && is_assistant(item);
      if (assistant && !in_run) ++n;
      in_run = assistant;
    }
    return n;
  }

  std::string last_message_text(const json& body) const override {
    json input = body.value("input", json::array());
    if (input.is_string()) return input.get<std::string>();
    if (!input.is_array() || input.empty() || !input.back().is_object()) return {};
    const json& last = input.back();
    if (last.value("type", "") == "function_call_output") {
      const json output = last.value("output", json());
      return output.is_string() ? output.get<std::string>() : output.dump();
    }
    return content_text(last.value("content", json()));
  }

 private:
  static bool is_assistant(const json& item) {
    std::string type = item.value("type", "");
    if (type == "reasoning" || type == "function_call") return true;
    return (type.empty() || type == "message") && item.value("role", "") == "assistant";
  }

  static json with(json at, const char* key, json value) {
    at[key] = value;
    return at;
  }

  template <class Event>
  static void reasoning_events(Event& event, const json& item, std::size_t i, const Shape& s) {
    const std::string id = item["id"];
    for (std::size_t k = 0; k < item["summary"].size(); ++k) {
      const std::string text = item["summary"][k]["text"];
      json at = {{"item_id", id}, {"output_index", i}, {"summary_index", k}};
      event("response.reasoning_summary_part.added",
            with(at, "part", {{"type", "summary_text"}, {"text", ""}}));
      for (const auto& piece : split_text(text, s.text_chunk_chars))
        event("response.reasoning_summary_text.delta", with(at, "delta", piece));
      event("response.reasoning_summary_text.done", with(at, "text", text));
    }
  }

  static json envelope(const Turn& turn, const RequestView& request) {
    return {{"id", fmt::format("resp_fake{:04d}", request.request_number)},
            {"object", "response"},
            {"created_at", 1763900000},
            {"model", turn.shape.model.empty() ? request.model() : turn.shape.model},
            {"store", request.body.value("store", true)}};
  }

  /// The answer's items: reasoning (see responses_rules.hpp), then the text, then the calls.
  static json output_items(const Turn& turn, const RequestView& request) {
    json items = json::array();
    const int n = request.request_number;
    if (issues_reasoning(request.body, !turn.thinking.empty())) {
      json summary = json::array();
      if (!turn.thinking.empty())
        summary.push_back({{"type", "summary_text"}, {"text", turn.thinking}});
      json item = {{"id", reasoning_item_id(n)}, {"type", "reasoning"}, {"summary", summary}};
      if (includes_encrypted_reasoning(request.body))
        item["encrypted_content"] = encrypted_reasoning(reasoning_item_id(n));
      items.push_back(std::move(item));
    }
    if (!turn.text.empty()) {
      items.push_back({{"id", fmt::format("msg_fake{:04d}", n)},
                       {"type", "message"},
                       {"status", "completed"},
                       {"role", "assistant"},
                       {"content", json::array({{{"type", "output_text"},
                                                 {"text", turn.text},
                                                 {"annotations", json::array()}}})}});
    }
    for (std::size_t k = 0; k < turn.tool_calls.size(); ++k) {
      const auto& c = turn.tool_calls[k];
      items.push_back({{"id", function_call_item_id(n, k)},
                       {"type", "function_call"},
                       {"status", "completed"},
                       {"call_id", c.id},
                       {"name", c.name},
                       {"arguments", c.arguments}});
    }
    return items;
  }

  /// The error's fields; its type under "type_" (a stream error event's "type" is "error").
  static json error_object(const Fault& fault, int status) {
    std::string code = fault.error_code;
    if (code.empty()) {
      code = status == 429   ? "rate_limit_exceeded"
             : status >= 500 ? "server_error"
                             : "invalid_request";
    }
    std::string type = fault.error_type.empty()
                           ? (status >= 500 ? "server_error" : "invalid_request_error")
                           : fault.error_type;
    std::string message = fault.error_message.empty()
                              ? fmt::format("fake-llm: injected error (HTTP {})", status)
                              : fault.error_message;
    return {{"message", message}, {"type_", type}, {"param", nullptr}, {"code", code}};
  }
};

}  // namespace

std::unique_ptr<Renderer> make_responses_renderer() {
  return std::make_unique<ResponsesRenderer>();
}

}  // namespace agentry::fakellm
