#include "llm/reasoning.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace agentry::llm {

int thinking_budget(const Reasoning& reasoning) {
  if (reasoning.budget_tokens) return std::max(kMinThinkingBudget, *reasoning.budget_tokens);
  const std::string& e = reasoning.effort;
  if (e == "low") return 2'048;
  if (e == "high") return 16'384;
  if (e == "xhigh") return 24'576;
  if (e == "max") return 32'000;
  return 8'192;  // medium, and anything unknown
}

ThinkingPlan plan_thinking(const Reasoning& reasoning, int max_tokens) {
  ThinkingPlan plan;
  plan.budget_tokens = thinking_budget(reasoning);
  plan.max_tokens = std::max(max_tokens, kMinThinkingBudget + kAnswerRoom);
  if (plan.budget_tokens > plan.max_tokens - kAnswerRoom) {
    plan.budget_tokens = plan.max_tokens - kAnswerRoom;
    plan.lowered = true;
  }
  return plan;
}

bool anthropic_takes_thinking(std::string_view model) {
  std::string id = ascii_lower(std::string(model.substr(model.rfind('/') + 1)));
  for (std::string_view old : {"claude-instant", "claude-2", "claude-3-opus", "claude-3-sonnet",
                               "claude-3-haiku", "claude-3-5-", "claude-3.5-"}) {
    if (id.starts_with(old)) return false;
  }
  return true;
}

std::string openai_effort(const Reasoning& reasoning) {
  const std::string& e = reasoning.effort;
  if (e == "low" || e == "medium") return e;
  if (e == "high" || e == "xhigh" || e == "max") return "high";
  int budget = thinking_budget(reasoning);
  return budget < 4'096 ? "low" : budget < 16'384 ? "medium" : "high";
}

std::optional<ReasoningStyle> parse_reasoning_style(std::string_view text) {
  if (text == "auto") return ReasoningStyle::kAuto;
  if (text == "effort" || text == "reasoning_effort") return ReasoningStyle::kEffort;
  if (text == "openrouter") return ReasoningStyle::kOpenRouter;
  if (text == "none" || text == "off") return ReasoningStyle::kNone;
  return std::nullopt;
}

ReasoningStyle resolve_reasoning_style(ReasoningStyle style, std::string_view base_url,
                                       std::string_view model) {
  if (style != ReasoningStyle::kAuto) return style;
  if (base_url.find("openrouter.ai") != std::string_view::npos) return ReasoningStyle::kOpenRouter;
  return openai_reasoning_model(model) ? ReasoningStyle::kEffort : ReasoningStyle::kNone;
}

bool openai_reasoning_model(std::string_view model) {
  std::string id = ascii_lower(std::string(model.substr(model.rfind('/') + 1)));
  for (std::string_view family : {"o1", "o3", "o4", "gpt-5", "codex-mini", "gpt-oss"}) {
    if (id.starts_with(family) &&
        (id.size() == family.size() || id[family.size()] == '-' || id[family.size()] == '.'))
      return true;
  }
  return false;
}

std::optional<Reasoning> ReasoningDefaults::for_request(const CompletionRequest& request) const {
  if (request.reasoning) return request.reasoning;
  auto it = per_model.find(request.model);
  const std::string& effort = it != per_model.end() ? it->second : this->effort;
  if (effort.empty()) return std::nullopt;
  return Reasoning{effort, std::nullopt};
}

}  // namespace agentry::llm
