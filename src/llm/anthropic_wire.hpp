#pragma once
/// Anthropic Messages (PROTOCOLS.md §3): the request body, the non-streamed response, and the
/// WireFormat the HttpProvider drives.
///
/// Mapping: the system prompt goes to `system`; a core tool message becomes a user message of
/// tool_result blocks (text after them); consecutive messages of one role are merged, since the
/// API wants a tool_result user turn right after the assistant's tool_use turn. `thinking` and
/// `redacted_thinking` blocks of answers are kept verbatim (signature, data included) in
/// Message::thinking and sent back unchanged, first in their assistant message, as the API
/// requires in the tool loop. Other unknown blocks are not kept, except in a paused turn
/// (`pause_turn`): there the whole content is kept verbatim in Completion::paused_content and
/// continuation_body() sends it back, as Anthropic documents.
///
/// Extended thinking (reasoning.hpp): a request with reasoning (its own, or the provider's
/// configured `effort`) sends `thinking: {type: enabled, budget_tokens}` with max_tokens above
/// the budget and the `anthropic-beta: interleaved-thinking-2025-05-14` header, so the model
/// thinks between tool calls too (not to the Claude 2 and 3 families, which have no thinking: a
/// debug line says so). Thinking allows only temperature 1: another temperature is
/// not sent (a warning says so once). agentry never forces tool_choice. `top_p` is sent only
/// without a temperature (the newest models refuse both) and, with thinking, only from 0.95 up.
///
/// Prompt caching (AnthropicOptions::cache, on unless the provider says `cache: off`): each
/// request marks `cache_control: {"type":"ephemeral"}` breakpoints — at most kMaxCacheBreakpoints,
/// Anthropic's limit — on the stable prefix and on the conversation's end:
///   1. the last tool definition (the tools are the first part of the prefix);
///   2. the system prompt, sent as one text block;
///   3. the last content block of the newest message, so the next request reads all of this one;
///   4. the last block of the user message before it — where the previous request put its
///      breakpoint 3 — so this request reads the previous one from the cache even when more than
///      20 blocks (Anthropic's look-back) were added since.
/// A prefix shorter than the model's minimum (1,024 tokens for Sonnet and Opus, 2,048 for Haiku)
/// is simply not cached; the breakpoint costs nothing then. Nothing else in the body depends on
/// the turn, so identical inputs give identical bytes.
#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include "llm/reasoning.hpp"
#include "llm/tool_call_parts.hpp"
#include "llm/wire_format.hpp"

namespace agentry::llm {

struct AnthropicOptions {
  std::string base_url;  ///< e.g. https://api.anthropic.com ("/v1" is added unless present)
  std::string api_key;   ///< sent as x-api-key; empty: no header
  std::vector<std::pair<std::string, std::string>> extra_headers;
  std::string version = "2023-06-01";   ///< the anthropic-version header
  int default_max_tokens = 4096;        ///< max_tokens is required by the API
  bool cache = true;                    ///< mark cache_control breakpoints (see above)
  ReasoningDefaults reasoning;          ///< the configured effort, for requests that ask none
  std::shared_ptr<spdlog::logger> log;  ///< for the once-only temperature warning; may be null
};

/// The beta header that lets Claude think between tool calls.
inline constexpr std::string_view kInterleavedThinkingBeta = "interleaved-thinking-2025-05-14";

/// The thinking a request gets (its reasoning, else the configured one), or none.
std::optional<ThinkingPlan> anthropic_thinking(const CompletionRequest& request,
                                               const AnthropicOptions& options);

/// Anthropic accepts at most this many cache_control breakpoints in one request.
inline constexpr int kMaxCacheBreakpoints = 4;

/// The request for `request`; with `paused_content` (an array of content blocks), the turn is
/// continued: they are appended as the last assistant message, merged with one before them.
nlohmann::json anthropic_request_json(const CompletionRequest& request,
                                      const AnthropicOptions& options,
                                      const nlohmann::json& paused_content = nullptr);

/// The thinking and redacted_thinking blocks of `content`, as received.
std::vector<Thinking> anthropic_thinking_blocks(const nlohmann::json& content);

/// The stop_reason of a turn the server paused and that must be continued.
inline constexpr std::string_view kPauseTurn = "pause_turn";

/// Maps a stop_reason string.
FinishReason anthropic_finish_reason(std::string_view reason, bool has_tool_calls);

/// Reads a usage object; fields absent from it keep their value in `into` (message_delta
/// repeats only some counts, and they are cumulative).
void anthropic_usage(const nlohmann::json& usage, Usage& into);

[[nodiscard]] Result<Completion> parse_anthropic_response(const nlohmann::json& body);

class AnthropicWire final : public WireFormat {
 public:
  explicit AnthropicWire(AnthropicOptions options) : options_(std::move(options)) {}
  std::string url() const override;
  std::vector<std::pair<std::string, std::string>> headers() const override;
  std::vector<std::pair<std::string, std::string>> request_headers(
      const CompletionRequest& request) const override;
  [[nodiscard]] Result<std::string> request_body(const CompletionRequest& request) const override;
  [[nodiscard]] Result<std::string> continuation_body(
      const CompletionRequest& request, const nlohmann::json& paused_content) const override;
  std::unique_ptr<StreamDecoder> stream_decoder() const override;
  [[nodiscard]] Result<Completion> parse_response(std::string_view body) const override;

 private:
  AnthropicOptions options_;
  mutable std::atomic<bool> warned_temperature_{false};
};

}  // namespace agentry::llm
