#include "engine/context_budget.hpp"

#include <algorithm>
#include <cmath>

namespace agentry::engine {

namespace {
/// What a message costs on the wire beyond its text (role, ids, JSON framing), in characters.
constexpr std::size_t kMessageOverhead = 16;
constexpr std::size_t kCallOverhead = 32;
}  // namespace

void ContextBudget::set_limits(const llm::ContextLimits& limits) {
  limits_ = limits;
  std::int64_t window = limits.window;
  std::int64_t margin =
      std::max<std::int64_t>(window / 20, std::min<std::int64_t>(1024, window / 8));
  limit_ = std::max<std::int64_t>(window - limits.output_budget - margin, window / 4);
}

std::size_t ContextBudget::chars_of(const Message& message) {
  std::size_t n = kMessageOverhead + message.text.size();
  for (const auto& call : message.tool_calls) {
    n += kCallOverhead + call.id.size() + call.name.size() +
         (call.arguments.is_null() ? call.raw_arguments.size() : call.arguments.dump().size());
  }
  for (const auto& result : message.tool_results)
    n += kCallOverhead + result.call_id.size() + result.content.size();
  // Thinking that goes back to the provider (signed blocks, encrypted reasoning items) takes
  // room in the prompt; what is never sent back (raw null) takes none.
  for (const auto& thinking : message.thinking)
    if (!thinking.raw.is_null()) n += kCallOverhead + thinking.raw.dump().size();
  return n;
}

std::size_t ContextBudget::chars_of(const std::vector<Message>& messages) {
  std::size_t n = 0;
  for (const auto& m : messages)
    n += chars_of(m);
  return n;
}

std::size_t ContextBudget::chars_of(const std::vector<ToolSchema>& tools) {
  std::size_t n = 0;
  for (const auto& t : tools)
    n += kCallOverhead + t.name.size() + t.description.size() + t.parameters.dump().size();
  return n;
}

std::int64_t ContextBudget::tokens_for(std::size_t chars) const {
  return static_cast<std::int64_t>(std::ceil(static_cast<double>(chars) / ratio_));
}

void ContextBudget::reset(std::size_t chars) {
  base_tokens_ = 0;
  added_chars_ = 0;
  total_chars_ = chars;
}

void ContextBudget::reported(std::int64_t prompt_tokens) {
  added_chars_ = 0;
  if (prompt_tokens <= 0) {
    base_tokens_ = 0;
    return;
  }
  // A report far below what the text can hold (a server that counts nothing, a fake) is not
  // trusted as the base: the estimate of the whole prompt then stands in for it.
  double measured = static_cast<double>(total_chars_) / static_cast<double>(prompt_tokens);
  if (measured > 2 * kMaxCharsPerToken) {
    base_tokens_ = 0;
    return;
  }
  // A little under the measured ratio, so that text unlike the prompt so far (denser code,
  // JSON) is not underestimated.
  ratio_ = std::clamp(measured * 0.9, kMinCharsPerToken, kMaxCharsPerToken);
  base_tokens_ = prompt_tokens;
}

std::int64_t ContextBudget::next() const {
  if (base_tokens_ == 0) return tokens_for(total_chars_);
  return base_tokens_ + tokens_for(added_chars_);
}

}  // namespace agentry::engine
