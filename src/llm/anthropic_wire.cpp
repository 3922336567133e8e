#include "llm/anthropic_wire.hpp"

#include <fmt/format.h>

#include "core/json_depth.hpp"
#include "core/text.hpp"
#include "llm/anthropic_stream.hpp"
#include "llm/error_body.hpp"

namespace agentry::llm {

using nlohmann::json;

namespace {

/// Appends `blocks` as a message of `role`, merging with the previous message of the same role.
void push_blocks(json& messages, const char* role, json blocks) {
  if (blocks.empty()) return;
  if (!messages.empty() && messages.back()["role"] == role) {
    for (auto& b : blocks)
      messages.back()["content"].push_back(std::move(b));
    return;
  }
  messages.push_back({{"role", role}, {"content", std::move(blocks)}});
}

json ephemeral() {
  return {{"type", "ephemeral"}};
}

void mark_breakpoint(json& block, int& left) {
  if (left <= 0 || !block.is_object()) return;
  block["cache_control"] = ephemeral();
  --left;
}

/// Breakpoints 3 and 4 (see the header): the newest message's last block, and the last block of
/// the user message before it.
void mark_message_breakpoints(json& messages, int& left) {
  if (messages.empty()) return;
  mark_breakpoint(messages.back()["content"].back(), left);
  for (std::size_t i = messages.size() - 1; i-- > 0;) {
    if (messages[i]["role"] == "user") {
      mark_breakpoint(messages[i]["content"].back(), left);
      return;
    }
  }
}

}  // namespace

json anthropic_request_json(const CompletionRequest& request, const AnthropicOptions& options,
                            const json& paused_content) {
  json messages = json::array();
  for (const auto& m : request.messages) {
    json blocks = json::array();
    switch (m.role) {
      case Role::kUser:
        if (!m.text.empty()) blocks.push_back({{"type", "text"}, {"text", m.text}});
        push_blocks(messages, "user", std::move(blocks));
        break;
      case Role::kAssistant:
        if (!m.text.empty()) blocks.push_back({{"type", "text"}, {"text", m.text}});
        for (const auto& call : m.tool_calls) {
          blocks.push_back({{"type", "tool_use"},
                            {"id", call.id},
                            {"name", call.name},
                            {"input", arguments_object(call)}});
        }
        push_blocks(messages, "assistant", std::move(blocks));
        break;
      case Role::kTool:
        for (const auto& result : m.tool_results) {
          json block = {{"type", "tool_result"},
                        {"tool_use_id", result.call_id},
                        {"content", result.content}};
          if (result.is_error) block["is_error"] = true;
          blocks.push_back(std::move(block));
        }
        if (!m.text.empty()) blocks.push_back({{"type", "text"}, {"text", m.text}});
        push_blocks(messages, "user", std::move(blocks));
        break;
    }
  }
  if (options.cache) {
    int left =
        kMaxCacheBreakpoints - (request.tools.empty() ? 0 : 1) - (request.system.empty() ? 0 : 1);
    mark_message_breakpoints(messages, left);
  }
  if (paused_content.is_array()) push_blocks(messages, "assistant", paused_content);
  json body = {{"model", request.model},
               {"max_tokens", request.max_tokens.value_or(options.default_max_tokens)},
               {"messages", std::move(messages)}};
  if (!request.system.empty()) {
    body["system"] =
        options.cache
            ? json::array(
                  {{{"type", "text"}, {"text", request.system}, {"cache_control", ephemeral()}}})
            : json(request.system);
  }
  if (!request.tools.empty()) {
    json tools = json::array();
    for (const auto& tool : request.tools) {
      json t = {{"name", tool.name}};
      if (!tool.description.empty()) t["description"] = tool.description;
      t["input_schema"] = tool.parameters.is_object()
                              ? tool.parameters
                              : json{{"type", "object"}, {"properties", json::object()}};
      tools.push_back(std::move(t));
    }
    if (options.cache) tools.back()["cache_control"] = ephemeral();
    body["tools"] = std::move(tools);
  }
  if (request.temperature) body["temperature"] = *request.temperature;
  body["stream"] = request.stream;
  return body;
}

FinishReason anthropic_finish_reason(std::string_view reason, bool has_tool_calls) {
  FinishReason r = FinishReason::kUnknown;
  if (reason == "end_turn" || reason == "stop_sequence") r = FinishReason::kStop;
  if (reason == "tool_use") r = FinishReason::kToolCalls;
  if (reason == "max_tokens" || reason == "model_context_window_exceeded")
    r = FinishReason::kLength;
  if (reason == "refusal") r = FinishReason::kContentFilter;
  if (has_tool_calls && (r == FinishReason::kStop || r == FinishReason::kUnknown)) {
    r = FinishReason::kToolCalls;
  }
  return r;
}

void anthropic_usage(const json& usage, Usage& into) {
  if (!usage.is_object()) return;
  auto take = [&](const char* key, std::int64_t& field) {
    if (auto it = usage.find(key); it != usage.end()) {
      if (auto n = token_count(*it)) field = *n;
    }
  };
  take("input_tokens", into.input_tokens);
  take("output_tokens", into.output_tokens);
  take("cache_read_input_tokens", into.cache_read_tokens);
  take("cache_creation_input_tokens", into.cache_write_tokens);
}

Result<Completion> parse_anthropic_response(const json& body) {
  if (!body.is_object()) return fail(ErrorCode::kParse, "the response is not a JSON object");
  if (member_text(body, "type") == "error") {
    ServerError server = parse_server_error(body);
    Error error(ErrorCode::kHttp,
                fmt::format("the server answered with an error: {}", server.message));
    error.retryable = is_retryable_stream_error(server);
    mark_context_overflow(error, 0, server);
    return tl::make_unexpected(std::move(error));
  }
  auto content = body.find("content");
  if (content == body.end() || !content->is_array()) {
    return fail(ErrorCode::kParse, "the response has no content array");
  }
  Completion c;
  c.model = member_text(body, "model");
  c.message.role = Role::kAssistant;
  for (const auto& block : *content) {
    if (!block.is_object()) continue;
    std::string type = member_text(block, "type");
    if (type == "text") {
      c.message.text += member_text(block, "text");
    } else if (type == "tool_use") {
      json input = block.value("input", json::object());
      ToolCall call;
      call.id = member_text(block, "id");
      call.name = member_text(block, "name");
      call.raw_arguments = input.dump(-1, ' ', false, json::error_handler_t::replace);
      call.arguments = std::move(input);
      c.message.tool_calls.push_back(std::move(call));
    }
  }
  json reason = body.value("stop_reason", json());
  std::string stop_reason = reason.is_string() ? reason.get<std::string>() : "";
  c.finish = anthropic_finish_reason(stop_reason, !c.message.tool_calls.empty());
  if (stop_reason == kPauseTurn) c.paused_content = *content;
  anthropic_usage(body.value("usage", json()), c.usage);
  return c;
}

std::string AnthropicWire::url() const {
  std::string base = without_trailing_slashes(options_.base_url);
  return base + (base.ends_with("/v1") ? "/messages" : "/v1/messages");
}

std::vector<std::pair<std::string, std::string>> AnthropicWire::headers() const {
  std::vector<std::pair<std::string, std::string>> h{{"Content-Type", "application/json"},
                                                     {"anthropic-version", options_.version}};
  if (!options_.api_key.empty()) h.emplace_back("x-api-key", options_.api_key);
  h.insert(h.end(), options_.extra_headers.begin(), options_.extra_headers.end());
  return h;
}

Result<std::string> AnthropicWire::request_body(const CompletionRequest& request) const {
  return continuation_body(request, nullptr);
}

Result<std::string> AnthropicWire::continuation_body(const CompletionRequest& request,
                                                     const json& paused_content) const {
  if (request.model.empty()) {
    return fail(ErrorCode::kConfig, "no model given", "",
                "set `model:` for the provider or pass --model");
  }
  return anthropic_request_json(request, options_, paused_content)
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::unique_ptr<StreamDecoder> AnthropicWire::stream_decoder() const {
  return std::make_unique<AnthropicStreamDecoder>();
}

Result<Completion> AnthropicWire::parse_response(std::string_view body) const {
  if (json_too_deep(body)) {
    return tl::make_unexpected(payload_too_deep("the response"));
  }
  json parsed = json::parse(body.begin(), body.end(), nullptr, false);
  if (parsed.is_discarded()) {
    return fail(ErrorCode::kParse,
                fmt::format("the response is not JSON: {}", std::string(body.substr(0, 200))));
  }
  return parse_anthropic_response(parsed);
}

}  // namespace agentry::llm
