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

bool is_thinking_block(const json& block) {
  if (!block.is_object()) return false;
  auto type = block.find("type");
  return type != block.end() && (*type == "thinking" || *type == "redacted_thinking");
}

/// Marks the last block of `content` that may carry cache_control (thinking blocks may not,
/// and must stay byte for byte as received).
void mark_breakpoint(json& content, int& left) {
  if (left <= 0 || !content.is_array()) return;
  for (std::size_t i = content.size(); i-- > 0;) {
    if (is_thinking_block(content[i])) continue;
    if (!content[i].is_object()) return;
    content[i]["cache_control"] = ephemeral();
    --left;
    return;
  }
}

/// Breakpoints 3 and 4 (see the header): the newest message's last block, and the last block of
/// the user message before it.
void mark_message_breakpoints(json& messages, int& left) {
  if (messages.empty()) return;
  mark_breakpoint(messages.back()["content"], left);
  for (std::size_t i = messages.size() - 1; i-- > 0;) {
    if (messages[i]["role"] == "user") {
      mark_breakpoint(messages[i]["content"], left);
      return;
    }
  }
}

/// A content block kept in Message::thinking: Anthropic's, as received.
Thinking thinking_of(const json& block) {
  Thinking t;
  t.wire = "anthropic";
  if (auto it = block.find("thinking"); it != block.end() && it->is_string())
    t.text = it->get<std::string>();
  t.raw = block;
  return t;
}

}  // namespace

std::optional<ThinkingPlan> anthropic_thinking(const CompletionRequest& request,
                                               const AnthropicOptions& options) {
  auto reasoning = options.reasoning.for_request(request);
  if (!reasoning || !anthropic_takes_thinking(request.model)) return std::nullopt;
  return plan_thinking(*reasoning, request.max_tokens.value_or(options.default_max_tokens));
}

std::vector<Thinking> anthropic_thinking_blocks(const json& content) {
  std::vector<Thinking> out;
  if (!content.is_array()) return out;
  for (const auto& block : content) {
    if (is_thinking_block(block)) out.push_back(thinking_of(block));
  }
  return out;
}

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
        // Its thinking first, exactly as received (the signature proves it unaltered).
        for (const auto& t : m.thinking) {
          if (t.wire == "anthropic" && is_thinking_block(t.raw)) blocks.push_back(t.raw);
        }
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
          if (!result.images.empty()) {
            // Anthropic's models take images in a tool result, beside its text.
            json content = json::array({{{"type", "text"}, {"text", result.content}}});
            for (const auto& image : result.images)
              content.push_back(
                  {{"type", "image"},
                   {"source",
                    {{"type", "base64"}, {"media_type", image.media_type}, {"data", image.data}}}});
            block["content"] = std::move(content);
          }
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
  auto thinking = anthropic_thinking(request, options);
  json body = {{"model", request.model},
               {"max_tokens", thinking ? thinking->max_tokens
                                       : request.max_tokens.value_or(options.default_max_tokens)},
               {"messages", std::move(messages)}};
  if (thinking) {
    body["thinking"] = {{"type", "enabled"}, {"budget_tokens", thinking->budget_tokens}};
  }
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
  // Thinking allows only temperature 1, the default: another one is not sent.
  if (request.temperature && !thinking) body["temperature"] = *request.temperature;
  // The newest models refuse temperature and top_p together, and thinking allows only a top_p
  // of 0.95 to 1: top_p goes only where every model takes it.
  if (request.top_p && !body.contains("temperature") && (!thinking || *request.top_p >= 0.95))
    body["top_p"] = *request.top_p;
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
    } else if (type == "thinking" || type == "redacted_thinking") {
      c.message.thinking.push_back(thinking_of(block));
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

std::vector<std::pair<std::string, std::string>> AnthropicWire::request_headers(
    const CompletionRequest& request) const {
  auto h = headers();
  if (anthropic_thinking(request, options_))
    h.emplace_back("anthropic-beta", std::string(kInterleavedThinkingBeta));
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
  if (options_.log && options_.reasoning.for_request(request) &&
      !anthropic_takes_thinking(request.model)) {
    options_.log->debug(
        "model {}: no extended thinking in this model family; the effort is not "
        "sent",
        request.model);
  }
  if (auto thinking = anthropic_thinking(request, options_); thinking && options_.log) {
    if (request.temperature && *request.temperature != 1.0 && !warned_temperature_.exchange(true))
      options_.log->warn(
          "model {}: extended thinking allows only temperature 1; the agent's temperature {} is "
          "not sent",
          request.model, *request.temperature);
    if (thinking->lowered)
      options_.log->debug("model {}: thinking budget lowered to {} tokens to fit max_tokens {}",
                          request.model, thinking->budget_tokens, thinking->max_tokens);
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
