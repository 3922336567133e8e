#include "llm/openai_wire.hpp"

#include <fmt/format.h>

#include "core/json_depth.hpp"
#include "core/text.hpp"
#include "llm/error_body.hpp"
#include "llm/openai_stream.hpp"

namespace agentry::llm {

using nlohmann::json;

namespace {

/// The text a reasoning part holds: a string, or parts (strings or `{"text": ...}` objects),
/// read as far as they go; reasoning is never the answer, so an odd shape there is not an error.
void append_reasoning(const json& value, std::string& out) {
  if (value.is_string()) {
    out += value.get_ref<const std::string&>();
  } else if (value.is_array()) {
    for (const auto& item : value)
      append_reasoning(item, out);
  } else if (value.is_object()) {
    for (const char* key : {"text", "thinking", "reasoning"}) {
      if (auto it = value.find(key); it != value.end()) append_reasoning(*it, out);
    }
  }
}

Error unreadable_content(std::string what) {
  return Error(ErrorCode::kParse, fmt::format("the answer's content cannot be read: {}", what), "",
               "the server sent a content shape agentry does not know (it reads a string or "
               "text, refusal, thinking and reasoning parts); report it with the response");
}

std::string arguments_from_wire(const json& function) {
  auto it = function.find("arguments");
  if (it == function.end() || it->is_null()) return {};
  // llama.cpp (#20198) once sent an object instead of a string: keep it as its JSON text.
  if (it->is_string()) return it->get<std::string>();
  return it->dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string openai_reasoning_fields(const json& message) {
  std::string out;
  if (!message.is_object()) return out;
  for (const char* key : {"reasoning_content", "reasoning"}) {
    if (auto it = message.find(key); it != message.end() && it->is_string())
      out += it->get_ref<const std::string&>();
  }
  return out;
}

Result<ContentParts> openai_content(const json& content) {
  ContentParts out;
  if (content.is_null()) return out;
  if (content.is_string()) {
    out.text = content.get<std::string>();
    return out;
  }
  if (!content.is_array()) {
    return tl::make_unexpected(unreadable_content(
        fmt::format("it is a {}, not a string or a list of parts", content.type_name())));
  }
  std::size_t number = 0;
  for (const auto& part : content) {
    ++number;
    auto type = part.is_object() ? part.find("type") : part.end();
    if (!part.is_object() || type == part.end() || !type->is_string()) {
      return tl::make_unexpected(
          unreadable_content(fmt::format("part {} is not an object with a `type`", number)));
    }
    const auto& name = type->get_ref<const std::string&>();
    if (name == "thinking" || name == "reasoning") {
      if (auto it = part.find(name); it != part.end()) append_reasoning(*it, out.reasoning);
      continue;
    }
    const char* key = name == "text" ? "text" : name == "refusal" ? "refusal" : nullptr;
    auto value = key ? part.find(key) : part.end();
    if (!key || value == part.end() || !value->is_string()) {
      return tl::make_unexpected(unreadable_content(
          key ? fmt::format("part {} (type '{}') has no string `{}`", number, name, key)
              : fmt::format("part {} has the unknown type '{}'", number, excerpt(name))));
    }
    out.text += value->get_ref<const std::string&>();
  }
  return out;
}

json openai_request_json(const CompletionRequest& request, const OpenAiOptions& options) {
  json messages = json::array();
  if (!request.system.empty())
    messages.push_back({{"role", "system"}, {"content", request.system}});
  for (const auto& m : request.messages) {
    switch (m.role) {
      case Role::kUser:
        messages.push_back({{"role", "user"}, {"content", m.text}});
        break;
      case Role::kAssistant: {
        json msg = {{"role", "assistant"}};
        msg["content"] = m.text.empty() && !m.tool_calls.empty() ? json(nullptr) : json(m.text);
        if (!m.tool_calls.empty()) {
          json calls = json::array();
          for (const auto& call : m.tool_calls) {
            calls.push_back(
                {{"id", call.id},
                 {"type", "function"},
                 {"function", {{"name", call.name}, {"arguments", arguments_text(call)}}}});
          }
          msg["tool_calls"] = std::move(calls);
        }
        messages.push_back(std::move(msg));
        break;
      }
      case Role::kTool:
        for (const auto& result : m.tool_results) {
          messages.push_back(
              {{"role", "tool"}, {"tool_call_id", result.call_id}, {"content", result.content}});
        }
        if (!m.text.empty()) messages.push_back({{"role", "user"}, {"content", m.text}});
        break;
    }
  }
  json body = {{"model", request.model}, {"messages", std::move(messages)}};
  if (!request.tools.empty()) {
    json tools = json::array();
    for (const auto& tool : request.tools) {
      json function = {{"name", tool.name}};
      if (!tool.description.empty()) function["description"] = tool.description;
      function["parameters"] = tool.parameters.is_object()
                                   ? tool.parameters
                                   : json{{"type", "object"}, {"properties", json::object()}};
      tools.push_back({{"type", "function"}, {"function", std::move(function)}});
    }
    body["tools"] = std::move(tools);
  }
  if (request.temperature) body["temperature"] = *request.temperature;
  if (request.top_p) body["top_p"] = *request.top_p;
  if (auto reasoning = options.reasoning.for_request(request)) {
    switch (resolve_reasoning_style(options.reasoning_style, options.base_url, request.model)) {
      case ReasoningStyle::kEffort:
        body["reasoning_effort"] = openai_effort(*reasoning);
        break;
      case ReasoningStyle::kOpenRouter:
        body["reasoning"] = reasoning->budget_tokens && reasoning->effort.empty()
                                ? json{{"max_tokens", thinking_budget(*reasoning)}}
                                : json{{"effort", openai_effort(*reasoning)}};
        break;
      case ReasoningStyle::kAuto:
      case ReasoningStyle::kNone:
        break;
    }
  }
  if (options.send_cache_key && !request.cache_key.empty()) {
    body["prompt_cache_key"] = request.cache_key;
  }
  if (auto max_tokens = request.max_tokens ? request.max_tokens : options.default_max_tokens) {
    body[options.max_tokens_field] = *max_tokens;
  }
  body["stream"] = request.stream;
  if (request.stream && options.include_usage) body["stream_options"] = {{"include_usage", true}};
  return body;
}

FinishReason openai_finish_reason(std::string_view reason, bool has_tool_calls) {
  FinishReason r = FinishReason::kUnknown;
  if (reason == "stop") r = FinishReason::kStop;
  if (reason == "tool_calls" || reason == "function_call") r = FinishReason::kToolCalls;
  if (reason == "length") r = FinishReason::kLength;
  if (reason == "content_filter") r = FinishReason::kContentFilter;
  if (reason == "error") r = FinishReason::kError;
  if (has_tool_calls && (r == FinishReason::kStop || r == FinishReason::kUnknown)) {
    r = FinishReason::kToolCalls;
  }
  return r;
}

Usage openai_usage(const json& usage) {
  Usage u;
  if (!usage.is_object()) return u;
  auto number = [](const json& obj, const char* key) -> std::int64_t {
    auto it = obj.find(key);
    return it != obj.end() ? token_count(*it).value_or(0) : 0;
  };
  std::int64_t prompt = number(usage, "prompt_tokens");
  std::int64_t cached = 0;
  if (auto it = usage.find("prompt_tokens_details"); it != usage.end() && it->is_object()) {
    cached = number(*it, "cached_tokens");
  }
  u.cache_read_tokens = cached;
  u.input_tokens = prompt - std::min(prompt, cached);
  u.output_tokens = number(usage, "completion_tokens");
  if (auto it = usage.find("completion_tokens_details"); it != usage.end() && it->is_object()) {
    u.reasoning_tokens = number(*it, "reasoning_tokens");
  }
  return u;
}

Result<Completion> parse_openai_response(const json& body, ToolCallIdSource& ids) {
  if (!body.is_object()) return fail(ErrorCode::kParse, "the response is not a JSON object");
  if (auto it = body.find("error"); it != body.end() && !it->is_null()) {
    ServerError server = parse_server_error(body);
    Error error(ErrorCode::kHttp,
                fmt::format("the server answered with an error: {}", server.message));
    error.retryable = is_retryable_stream_error(server);
    mark_context_overflow(error, 0, server);
    return tl::make_unexpected(std::move(error));
  }
  auto choices = body.find("choices");
  if (choices == body.end() || !choices->is_array() || choices->empty() ||
      !(*choices)[0].is_object()) {
    return fail(ErrorCode::kParse, "the response has no choices");
  }
  const json& choice = (*choices)[0];
  const json message = member_object(choice, "message");
  Completion c;
  c.model = member_text(body, "model");
  c.message.role = Role::kAssistant;
  auto content = openai_content(message.value("content", json()));
  if (!content) return tl::make_unexpected(content.error());
  c.message.text = std::move(content->text);
  std::string reasoning = openai_reasoning_fields(message) + content->reasoning;
  if (!reasoning.empty()) c.message.thinking.push_back({std::move(reasoning), "openai", nullptr});
  if (auto calls = message.find("tool_calls"); calls != message.end() && calls->is_array()) {
    for (const auto& call : *calls) {
      if (!call.is_object()) continue;
      const json function = member_object(call, "function");
      std::string id = call.value("id", json()).is_string() ? call["id"].get<std::string>() : "";
      if (id.empty()) id = ids.next();
      c.message.tool_calls.push_back(make_tool_call(std::move(id), member_text(function, "name"),
                                                    arguments_from_wire(function)));
    }
  }
  json reason = choice.value("finish_reason", json());
  c.finish = openai_finish_reason(reason.is_string() ? reason.get<std::string>() : "",
                                  !c.message.tool_calls.empty());
  c.usage = openai_usage(body.value("usage", json()));
  return c;
}

std::string OpenAiWire::url() const {
  return without_trailing_slashes(options_.base_url) + "/chat/completions";
}

std::vector<std::pair<std::string, std::string>> OpenAiWire::headers() const {
  std::vector<std::pair<std::string, std::string>> h{{"Content-Type", "application/json"}};
  if (!options_.api_key.empty()) h.emplace_back("Authorization", "Bearer " + options_.api_key);
  h.insert(h.end(), options_.extra_headers.begin(), options_.extra_headers.end());
  return h;
}

Result<std::string> OpenAiWire::request_body(const CompletionRequest& request) const {
  if (request.model.empty()) {
    return fail(ErrorCode::kConfig, "no model given", "",
                "set `model:` for the provider or pass --model");
  }
  if (options_.log && options_.reasoning.for_request(request) &&
      resolve_reasoning_style(options_.reasoning_style, options_.base_url, request.model) ==
          ReasoningStyle::kNone) {
    options_.log->debug(
        "model {}: no known reasoning control (reasoning_effort or OpenRouter's reasoning); the "
        "effort is not sent (set `reasoning: effort` or `openrouter` in the provider's config if "
        "the server takes one)",
        request.model);
  }
  return openai_request_json(request, options_)
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::unique_ptr<StreamDecoder> OpenAiWire::stream_decoder() const {
  return std::make_unique<OpenAiStreamDecoder>();
}

Result<Completion> OpenAiWire::parse_response(std::string_view body) const {
  if (json_too_deep(body)) {
    return tl::make_unexpected(payload_too_deep("the response"));
  }
  json parsed = json::parse(body.begin(), body.end(), nullptr, false);
  if (parsed.is_discarded()) {
    return fail(ErrorCode::kParse,
                fmt::format("the response is not JSON: {}", std::string(body.substr(0, 200))));
  }
  ToolCallIdSource ids;
  return parse_openai_response(parsed, ids);
}

}  // namespace agentry::llm
