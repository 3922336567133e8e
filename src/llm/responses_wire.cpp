#include "llm/responses_wire.hpp"

#include <fmt/format.h>

#include "core/json_depth.hpp"
#include "core/text.hpp"
#include "llm/error_body.hpp"
#include "llm/responses_stream.hpp"
#include "llm/tool_call_parts.hpp"

namespace agentry::llm {

using nlohmann::json;

namespace {

json text_message(const char* role, const std::string& text) {
  return {{"type", "message"}, {"role", role}, {"content", text}};
}

/// The readable text of a reasoning item: its summary parts (one paragraph each), else its
/// reasoning content parts (open-weight models served on this API send those).
std::string reasoning_text(const json& item) {
  std::string out;
  for (const char* key : {"summary", "content"}) {
    auto it = item.find(key);
    if (it == item.end() || !it->is_array()) continue;
    for (const auto& part : *it) {
      std::string text = member_text(part, "text");
      if (text.empty()) continue;
      if (!out.empty()) out += "\n\n";
      out += text;
    }
    if (!out.empty()) break;
  }
  return out;
}

bool is_rate_limit(const ServerError& server) {
  for (std::string_view s : {"rate_limit_exceeded", "rate_limit_error", "server_is_overloaded",
                             "overloaded_error", "slow_down"}) {
    if (server.code == s || server.type == s) return true;
  }
  return false;
}

}  // namespace

json responses_request_json(const CompletionRequest& request, const ResponsesOptions& options) {
  json input = json::array();
  for (const auto& m : request.messages) {
    switch (m.role) {
      case Role::kUser:
        if (!m.text.empty()) input.push_back(text_message("user", m.text));
        break;
      case Role::kAssistant:
        for (const auto& thinking : m.thinking) {
          if (thinking.wire == kResponsesWire && thinking.raw.is_object())
            input.push_back(thinking.raw);
        }
        if (!m.text.empty()) input.push_back(text_message("assistant", m.text));
        for (const auto& call : m.tool_calls) {
          input.push_back({{"type", "function_call"},
                           {"call_id", call.id},
                           {"name", call.name},
                           {"arguments", arguments_text(call)}});
        }
        break;
      case Role::kTool:
        for (const auto& result : m.tool_results) {
          input.push_back({{"type", "function_call_output"},
                           {"call_id", result.call_id},
                           {"output", result.content}});
        }
        if (!m.text.empty()) input.push_back(text_message("user", m.text));
        break;
    }
  }
  json body = {{"model", request.model}};
  if (!request.system.empty()) body["instructions"] = request.system;
  body["input"] = std::move(input);
  if (!request.tools.empty()) {
    json tools = json::array();
    for (const auto& tool : request.tools) {
      json t = {{"type", "function"}, {"name", tool.name}};
      if (!tool.description.empty()) t["description"] = tool.description;
      t["parameters"] = tool.parameters.is_object()
                            ? tool.parameters
                            : json{{"type", "object"}, {"properties", json::object()}};
      tools.push_back(std::move(t));
    }
    body["tools"] = std::move(tools);
  }
  body["store"] = false;
  body["include"] = json::array({"reasoning.encrypted_content"});
  if (openai_reasoning_model(request.model)) {
    // `summary: auto` as Codex asks: without it the model's reasoning arrives encrypted only,
    // and nothing of it can be shown.
    if (auto reasoning = options.reasoning.for_request(request))
      body["reasoning"] = {{"effort", openai_effort(*reasoning)}, {"summary", "auto"}};
  } else {
    if (request.temperature) body["temperature"] = *request.temperature;
    if (request.top_p) body["top_p"] = *request.top_p;
  }
  if (auto max = request.max_tokens ? request.max_tokens : options.default_max_tokens)
    body["max_output_tokens"] = *max;
  if (options.send_cache_key && !request.cache_key.empty())
    body["prompt_cache_key"] = request.cache_key;
  body["stream"] = request.stream;
  return body;
}

void responses_usage(const json& usage, Usage& into) {
  if (!usage.is_object()) return;
  std::optional<std::int64_t> input;
  std::optional<std::int64_t> cached;
  if (auto it = usage.find("input_tokens"); it != usage.end()) input = token_count(*it);
  json input_details = member_object(usage, "input_tokens_details");
  if (auto it = input_details.find("cached_tokens"); it != input_details.end())
    cached = token_count(*it);
  if (cached) into.cache_read_tokens = *cached;
  if (input) into.input_tokens = *input - std::min(*input, cached.value_or(0));
  if (auto it = usage.find("output_tokens"); it != usage.end()) {
    if (auto n = token_count(*it)) into.output_tokens = *n;
  }
  json details = member_object(usage, "output_tokens_details");
  if (auto it = details.find("reasoning_tokens"); it != details.end()) {
    if (auto n = token_count(*it)) into.reasoning_tokens = *n;
  }
}

FinishReason responses_finish_reason(const json& response, bool has_tool_calls) {
  std::string status = member_text(response, "status");
  if (status == "incomplete") {
    std::string reason = member_text(member_object(response, "incomplete_details"), "reason");
    if (reason == "content_filter") return FinishReason::kContentFilter;
    return FinishReason::kLength;  // max_output_tokens, or a reason this version does not know
  }
  if (status == "failed" || status == "cancelled") return FinishReason::kError;
  if (has_tool_calls) return FinishReason::kToolCalls;
  return status == "completed" ? FinishReason::kStop : FinishReason::kUnknown;
}

Error responses_error(const json& error_object, std::string_view what) {
  ServerError server = parse_server_error(error_object);
  std::string detail;
  if (!server.code.empty()) detail = server.code;
  if (!server.type.empty() && server.type != server.code)
    detail += (detail.empty() ? "" : ", ") + server.type;
  Error error(ErrorCode::kHttp,
              fmt::format("{}: {}{}", what,
                          server.message.empty() ? "(no message)" : excerpt(server.message, 300),
                          detail.empty() ? "" : fmt::format(" [{}]", detail)));
  error.retryable = is_retryable_stream_error(server);
  if (is_rate_limit(server)) {
    error.code = ErrorCode::kRateLimited;
    error.retryable = true;
  }
  mark_context_overflow(error, 0, server);
  return error;
}

void add_output_item(const json& item, Message& into) {
  std::string type = member_text(item, "type");
  if (type == "reasoning") {
    into.thinking.push_back(Thinking{reasoning_text(item), std::string(kResponsesWire), item});
  } else if (type == "message") {
    auto content = item.find("content");
    if (content == item.end() || !content->is_array()) return;
    for (const auto& part : *content) {
      std::string part_type = member_text(part, "type");
      if (part_type == "output_text") into.text += member_text(part, "text");
      if (part_type == "refusal") into.text += member_text(part, "refusal");
    }
  } else if (type == "function_call") {
    auto args = item.find("arguments");
    std::string raw = args == item.end() || args->is_null() ? std::string()
                      : args->is_string()
                          ? args->get<std::string>()
                          : args->dump(-1, ' ', false, json::error_handler_t::replace);
    into.tool_calls.push_back(
        make_tool_call(member_text(item, "call_id"), member_text(item, "name"), std::move(raw)));
  }
}

Result<Completion> parse_responses_response(const json& body) {
  if (!body.is_object()) return fail(ErrorCode::kParse, "the response is not a JSON object");
  if (member_text(body, "status") == "failed" ||
      (body.contains("error") && body["error"].is_object() && !body.contains("output"))) {
    return tl::make_unexpected(responses_error(body, "the response failed"));
  }
  auto output = body.find("output");
  if (output == body.end() || !output->is_array()) {
    return fail(ErrorCode::kParse, "the response has no output array");
  }
  Completion c;
  c.model = member_text(body, "model");
  c.message.role = Role::kAssistant;
  for (const auto& item : *output)
    add_output_item(item, c.message);
  c.finish = responses_finish_reason(body, !c.message.tool_calls.empty());
  responses_usage(body.value("usage", json()), c.usage);
  return c;
}

std::string ResponsesWire::url() const {
  return without_trailing_slashes(options_.base_url) + "/responses";
}

std::vector<std::pair<std::string, std::string>> ResponsesWire::headers() const {
  std::vector<std::pair<std::string, std::string>> h{{"Content-Type", "application/json"}};
  if (!options_.api_key.empty()) h.emplace_back("Authorization", "Bearer " + options_.api_key);
  h.insert(h.end(), options_.extra_headers.begin(), options_.extra_headers.end());
  return h;
}

Result<std::string> ResponsesWire::request_body(const CompletionRequest& request) const {
  if (request.model.empty()) {
    return fail(ErrorCode::kConfig, "no model given", "",
                "set `model:` for the provider or pass --model");
  }
  if (options_.log && options_.reasoning.for_request(request) &&
      !openai_reasoning_model(request.model)) {
    options_.log->debug(
        "model {}: not a known reasoning model (o-series, gpt-5, codex-mini, "
        "gpt-oss); the effort is not sent",
        request.model);
  }
  return responses_request_json(request, options_)
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::unique_ptr<StreamDecoder> ResponsesWire::stream_decoder() const {
  return std::make_unique<ResponsesStreamDecoder>();
}

Result<Completion> ResponsesWire::parse_response(std::string_view body) const {
  if (json_too_deep(body)) return tl::make_unexpected(payload_too_deep("the response"));
  json parsed = json::parse(body.begin(), body.end(), nullptr, false);
  if (parsed.is_discarded()) {
    return fail(ErrorCode::kParse,
                fmt::format("the response is not JSON: {}", std::string(body.substr(0, 200))));
  }
  return parse_responses_response(parsed);
}

}  // namespace agentry::llm
