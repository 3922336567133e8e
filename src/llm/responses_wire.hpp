#pragma once
/// OpenAI's Responses API (`kind: openai-responses`, POST {base_url}/responses): the request body,
/// the non-streamed response, and the WireFormat the HttpProvider drives.
///
/// Mapping: the system prompt goes to `instructions`; messages become `input` items — user text
/// a user message, an assistant message its `reasoning` items (Message::thinking of wire
/// "openai-responses", sent back exactly as received, encrypted_content and id included), then
/// its text as an assistant message, then one `function_call` item {call_id, name, arguments}
/// per tool call; a tool message one `function_call_output` item {call_id, output} per result
/// (text after them as a user message). Tools are {type: function, name, description,
/// parameters}. Every request is stateless — `store: false` with
/// `include: ["reasoning.encrypted_content"]` — so the reasoning the model did before a tool
/// call reaches it again in the next request; the API refuses a function_call sent back without
/// its reasoning item ("… was provided without its required 'reasoning' item …").
///
/// Reasoning models (openai_reasoning_model: the o-series, gpt-5, codex-mini, gpt-oss) get
/// `reasoning: {effort}` when the request asks for reasoning (low, medium, high; xhigh and max
/// send high) and never a temperature or top_p (they refuse them). Other models get the
/// temperature and top_p and no
/// reasoning (a debug line says so). max_tokens goes to `max_output_tokens`.
///
/// Usage is normalised as on the other wires: input_tokens is the uncached rest of
/// usage.input_tokens (input_tokens_details.cached_tokens go to cache_read_tokens);
/// reasoning_tokens is output_tokens_details.reasoning_tokens.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include "llm/reasoning.hpp"
#include "llm/wire_format.hpp"

namespace agentry::llm {

/// Message::thinking's `wire` for a Responses reasoning item.
inline constexpr std::string_view kResponsesWire = "openai-responses";

struct ResponsesOptions {
  std::string base_url;  ///< e.g. https://api.openai.com/v1
  std::string api_key;   ///< sent as "Authorization: Bearer"; empty: no header
  std::vector<std::pair<std::string, std::string>> extra_headers;
  std::optional<int> default_max_tokens;  ///< max_output_tokens when a request sets none
  bool send_cache_key = false;            ///< CompletionRequest::cache_key as prompt_cache_key
  std::shared_ptr<spdlog::logger> log;    ///< for the debug line when reasoning is not sent
  ReasoningDefaults reasoning;            ///< the configured effort, for requests that ask none
};

/// The JSON request for `request`. Tool-call arguments are replayed byte for byte as received.
nlohmann::json responses_request_json(const CompletionRequest& request,
                                      const ResponsesOptions& options);

/// Reads a Responses usage object into `into` (fields absent keep their value).
void responses_usage(const nlohmann::json& usage, Usage& into);

/// The finish reason of a response object: its status and incomplete_details.reason.
FinishReason responses_finish_reason(const nlohmann::json& response, bool has_tool_calls);

/// The Error for a failed response (`response.error`) or an `error` stream event: rate limits
/// and overload are kRateLimited and retryable, context_length_exceeded kContextOverflow.
Error responses_error(const nlohmann::json& error_object, std::string_view what);

/// One output item of a response, added to `into`: a reasoning item to its thinking (readable
/// text: the summary parts, else the reasoning content), a message's output_text and refusal
/// parts to its text, a function_call to its tool calls. Other items are ignored.
void add_output_item(const nlohmann::json& item, Message& into);

/// Parses a whole response object (also the `response` of response.completed).
[[nodiscard]] Result<Completion> parse_responses_response(const nlohmann::json& body);

class ResponsesWire final : public WireFormat {
 public:
  explicit ResponsesWire(ResponsesOptions options) : options_(std::move(options)) {}
  std::string url() const override;
  std::vector<std::pair<std::string, std::string>> headers() const override;
  [[nodiscard]] Result<std::string> request_body(const CompletionRequest& request) const override;
  std::unique_ptr<StreamDecoder> stream_decoder() const override;
  [[nodiscard]] Result<Completion> parse_response(std::string_view body) const override;

 private:
  ResponsesOptions options_;
};

}  // namespace agentry::llm
