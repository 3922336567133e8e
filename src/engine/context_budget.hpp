#pragma once
/// How many tokens the next request of a session will take, without a tokenizer: what the
/// provider reported for the last request's prompt, plus an estimate of what was added since.
/// The estimate divides characters by a ratio calibrated on the reported usage (start: a
/// conservative 3 characters per token; never below kMinCharsPerToken). Each call is O(the text
/// added): the history is never counted again.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/message.hpp"
#include "llm/context_window.hpp"

namespace agentry::engine {

class ContextBudget {
 public:
  static constexpr double kStartCharsPerToken = 3.0;
  static constexpr double kMinCharsPerToken = 1.5;
  static constexpr double kMaxCharsPerToken = 6.0;

  explicit ContextBudget(const llm::ContextLimits& limits) { set_limits(limits); }

  /// A new window (after the provider refused a request as too long).
  void set_limits(const llm::ContextLimits& limits);
  const llm::ContextLimits& limits() const { return limits_; }
  /// The most tokens a prompt may take: window − output budget − margin.
  std::int64_t limit() const { return limit_; }

  /// Characters a message, a system prompt or tool schemas put into a request.
  static std::size_t chars_of(const Message& message);
  static std::size_t chars_of(const std::vector<Message>& messages);
  static std::size_t chars_of(const std::vector<ToolSchema>& tools);

  /// Tokens of `chars` characters at the calibrated ratio (rounded up).
  std::int64_t tokens_for(std::size_t chars) const;

  /// The prompt is now made of `chars` characters (a fresh session, or after pruning or
  /// compaction): no reported size applies until the next report.
  void reset(std::size_t chars);
  /// Part of the prompt was rewritten (a tool result pruned): `removed` characters became
  /// `added`. No reported size applies until the next report.
  void replace(std::size_t removed, std::size_t added) { reset(total_chars_ - removed + added); }
  /// Characters added to the prompt since the last report.
  void add(std::size_t chars) {
    added_chars_ += chars;
    total_chars_ += chars;
  }
  /// The provider counted `prompt_tokens` for the prompt just sent (input + cache reads + cache
  /// writes): calibrates the ratio and makes that count the base of the next estimate.
  void reported(std::int64_t prompt_tokens);
  /// The estimated size of the next request's prompt.
  std::int64_t next() const;
  std::size_t total_chars() const { return total_chars_; }
  double chars_per_token() const { return ratio_; }

 private:
  llm::ContextLimits limits_;
  std::int64_t limit_ = 0;
  double ratio_ = kStartCharsPerToken;
  std::int64_t base_tokens_ = 0;  ///< reported for the last request; 0 when none applies
  std::size_t added_chars_ = 0;   ///< since the last report
  std::size_t total_chars_ = 0;   ///< the whole prompt
};

}  // namespace agentry::engine
