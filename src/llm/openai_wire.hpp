#pragma once
/// OpenAI-compatible chat completions (PROTOCOLS.md §2): the request body, the non-streamed
/// response, and the WireFormat the HttpProvider drives. Works with OpenAI, OpenRouter, Ollama,
/// vLLM and llama.cpp's server.
///
/// Prompt caching is automatic on these servers (OpenAI, vLLM and llama.cpp reuse a byte-identical
/// prefix): the body is a pure function of the request (keys in a fixed order, nothing
/// time-dependent), so an unchanged history gives an unchanged prefix.
///
/// Usage is normalised across APIs: input_tokens counts uncached prompt tokens
/// (prompt_tokens − prompt_tokens_details.cached_tokens) and cache_read_tokens the cached ones,
/// as Anthropic reports them; reasoning_tokens is completion_tokens_details.reasoning_tokens.
///
/// Reasoning (issue 19): a request with reasoning (its own, or the provider's configured
/// `effort`) sends `reasoning_effort` or OpenRouter's `reasoning` (reasoning.hpp) where the model
/// takes it, else nothing (a debug line says so). Reasoning text that comes back — the
/// `reasoning_content` and `reasoning` fields of a message or delta, `thinking` and `reasoning`
/// content parts — is never part of the answer: it streams as ThinkingDelta and is kept in
/// Message::thinking (wire "openai", raw null) but never sent back (DeepSeek refuses an assistant
/// message carrying `reasoning_content`).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include "llm/reasoning.hpp"
#include "llm/tool_call_parts.hpp"
#include "llm/wire_format.hpp"

namespace agentry::llm {

struct OpenAiOptions {
  std::string base_url;  ///< conventionally ends in /v1
  std::string api_key;   ///< sent as "Authorization: Bearer"; empty: no header (local servers)
  std::vector<std::pair<std::string, std::string>> extra_headers;
  /// "max_tokens" (what Ollama and older servers read) or "max_completion_tokens" (what OpenAI's
  /// reasoning models require).
  std::string max_tokens_field = "max_tokens";
  bool include_usage = true;              ///< stream_options.include_usage on streamed calls
  std::optional<int> default_max_tokens;  ///< sent when a request sets none
  /// Send CompletionRequest::cache_key as `prompt_cache_key` (OpenAI routes requests with one
  /// key to the same prompt cache). Other servers may reject unknown fields, so only where the
  /// provider allows it: api.openai.com, or `prompt_cache_key: true` in its config.
  bool send_cache_key = false;
  ReasoningDefaults reasoning;  ///< the configured effort, for requests that ask none
  ReasoningStyle reasoning_style = ReasoningStyle::kAuto;  ///< how the server takes it
  std::shared_ptr<spdlog::logger> log;  ///< for the debug line when reasoning is not sent
};

/// The reasoning text of a message or stream delta: its `reasoning_content` and `reasoning`
/// string fields.
std::string openai_reasoning_fields(const nlohmann::json& message);

/// The JSON request for `request`. Tool-call arguments are replayed byte for byte as received.
nlohmann::json openai_request_json(const CompletionRequest& request, const OpenAiOptions& options);

/// Maps a finish_reason string; a call list that is not empty turns stop/unknown into kToolCalls
/// (servers report tool calls with "stop", PROTOCOLS.md §2.2).
FinishReason openai_finish_reason(std::string_view reason, bool has_tool_calls);

/// What a message's or a stream delta's `content` holds: the answer text and the model's
/// reasoning, which is never part of the answer.
struct ContentParts {
  std::string text;
  std::string reasoning;
};

/// Reads `content` in every shape servers send: a string, null, or an array of typed parts
/// (Mistral's Magistral models: `[{"type":"thinking","thinking":[{"type":"text",...}]}]`, then
/// `[{"type":"text","text":"..."}]`). `text` and `refusal` parts are the answer; `thinking` and
/// `reasoning` parts are reasoning. Any other shape (a number, an object, a part of an unknown
/// type, a text part without a string `text`) is an error, never a silently empty answer.
[[nodiscard]] Result<ContentParts> openai_content(const nlohmann::json& content);

/// Reads a usage object (null or absent: zeros).
Usage openai_usage(const nlohmann::json& usage);

/// Parses a non-streamed chat.completion body.
[[nodiscard]] Result<Completion> parse_openai_response(const nlohmann::json& body,
                                                       ToolCallIdSource& ids);

class OpenAiWire final : public WireFormat {
 public:
  explicit OpenAiWire(OpenAiOptions options) : options_(std::move(options)) {}
  std::string url() const override;
  std::vector<std::pair<std::string, std::string>> headers() const override;
  [[nodiscard]] Result<std::string> request_body(const CompletionRequest& request) const override;
  std::unique_ptr<StreamDecoder> stream_decoder() const override;
  [[nodiscard]] Result<Completion> parse_response(std::string_view body) const override;

 private:
  OpenAiOptions options_;
};

}  // namespace agentry::llm
