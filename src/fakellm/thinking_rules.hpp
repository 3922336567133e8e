#pragma once
/// What the fake server enforces of the reasoning APIs when the script's `server:` says
/// `thinking_rules: true` (issue 19), with the services' own messages:
///
/// Anthropic, for a request with `thinking: {type: enabled, budget_tokens}`:
///   - budget_tokens at least 1,024 and below max_tokens;
///   - no temperature other than 1, no tool_choice that forces a tool;
///   - every thinking block sent back carries the signature the fake gave it (a keyed hash of
///     its text: an altered text or signature is refused), every redacted_thinking block the
///     data the fake gave it;
///   - the last assistant message, when it holds tool_use blocks (the tool loop), starts with
///     its thinking: "Expected `thinking` or `redacted_thinking`, but found `tool_use`".
/// Answers to such requests start with a signed thinking block (the turn's `thinking`, or a line
/// of its own when the turn scripts none) and, every `redacted_every` turns, a redacted_thinking
/// block before it. A request without thinking gets no thinking blocks.
///
/// OpenAI route (DeepSeek's rule): an assistant message carrying `reasoning_content` is refused.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace agentry::fakellm {

/// The signature of a thinking block with `text`, as the fake signs it.
std::string thinking_signature(std::string_view text);
/// The opaque `data` of the fake's redacted_thinking block for turn `turn`.
std::string redacted_data(int turn);

/// Whether an Anthropic request enables thinking.
bool anthropic_thinking_enabled(const nlohmann::json& body);

/// The message of the 400 the real service gives, or none.
std::optional<std::string> anthropic_thinking_error(const nlohmann::json& body);
std::optional<std::string> openai_reasoning_error(const nlohmann::json& body);

}  // namespace agentry::fakellm
