#pragma once
/// How a reasoning request (CompletionRequest::reasoning, issue 19) reaches each wire.
///
/// Anthropic extended thinking takes a token budget; effort levels map to it (README "Reasoning"):
///   low 2,048 · medium 8,192 · high 16,384 · xhigh 24,576 · max 32,000
/// An explicit `budget_tokens` wins over the level. The budget is at least 1,024 (the API's
/// minimum) and below max_tokens, which it shares with the answer: a budget that leaves less than
/// 1,024 tokens of max_tokens for the answer is lowered to max_tokens − 1,024 (max_tokens is the
/// engine's output budget, reserved in the window, so it is not raised beyond 2,048).
///
/// OpenAI-compatible servers: `reasoning_effort` (low | medium | high; xhigh and max send high)
/// for models that take it (o1, o3, o4 and gpt-5 families, by model id), OpenRouter's
/// `reasoning: {effort}` (or `{max_tokens}` for an explicit budget) on openrouter.ai, nothing
/// elsewhere. `reasoning: effort | openrouter | none` in the provider config overrides the guess.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "llm/provider.hpp"

namespace agentry::llm {

inline constexpr int kMinThinkingBudget = 1024;
/// What Anthropic's answer keeps at least of max_tokens beside the thinking budget.
inline constexpr int kAnswerRoom = 1024;

/// The thinking budget `reasoning` asks for, before fitting it to max_tokens.
int thinking_budget(const Reasoning& reasoning);

/// Anthropic: the budget and max_tokens to send for `reasoning` and the request's `max_tokens`.
struct ThinkingPlan {
  int budget_tokens = 0;
  int max_tokens = 0;
  bool lowered = false;  ///< the budget was lowered to fit max_tokens
};
ThinkingPlan plan_thinking(const Reasoning& reasoning, int max_tokens);

/// Whether an Anthropic model takes extended thinking: every model but the Claude 2 and 3 (not
/// 3.7) families, which refuse the `thinking` parameter.
bool anthropic_takes_thinking(std::string_view model);

/// Whether `model` (an id, maybe with a "vendor/" prefix) is one of OpenAI's reasoning families,
/// which take an effort and refuse `temperature`: o1, o3, o4, gpt-5, codex-mini and gpt-oss.
/// The one list both OpenAI wires (chat completions and Responses) go by.
bool openai_reasoning_model(std::string_view model);

/// The `reasoning_effort` value for `reasoning`: low | medium | high.
std::string openai_effort(const Reasoning& reasoning);

/// How an OpenAI-compatible server is asked to reason.
enum class ReasoningStyle { kAuto, kEffort, kOpenRouter, kNone };
/// Parses `effort`, `openrouter`, `none` or `auto`; nullopt for anything else.
std::optional<ReasoningStyle> parse_reasoning_style(std::string_view text);
/// kAuto resolved for `model` on `base_url`.
ReasoningStyle resolve_reasoning_style(ReasoningStyle style, std::string_view base_url,
                                       std::string_view model);

/// The reasoning configured for a provider (`effort:` in its config entry: one level, or one per
/// model id), used when a request asks for none.
struct ReasoningDefaults {
  std::string effort;                            ///< the provider's; "" = none
  std::map<std::string, std::string> per_model;  ///< model id -> level
  /// `request.reasoning`, else the configured level of `request.model`, else none.
  std::optional<Reasoning> for_request(const CompletionRequest& request) const;
};

}  // namespace agentry::llm
