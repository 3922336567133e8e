#pragma once
/// --budget: a bound on what a batch spends, in tokens ("500k", "2M", "120000") or in US
/// dollars ("$5", "5usd", "2.50$"). When the spend recorded in the results file (this run and
/// the runs it resumes) reaches it, no new task starts; running tasks finish and are recorded.
/// Tokens are input + output as the provider reports them. Money counts only priced runs:
/// tasks whose model has no known price add nothing and are counted apart.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/message.hpp"

namespace agentry::batch {

struct Budget {
  std::optional<std::int64_t> tokens;
  std::optional<double> usd;
  bool limited() const { return tokens || usd; }
  std::string to_string() const;
};

/// kUsage for anything but a positive token count or dollar amount.
[[nodiscard]] Result<Budget> parse_budget(std::string_view text);

struct Spend {
  std::int64_t tokens = 0;  ///< input (the uncached rest) + output: what a token budget bounds
  std::int64_t cache_read_tokens = 0;   ///< prompt tokens read from a provider's cache
  std::int64_t cache_write_tokens = 0;  ///< prompt tokens written to it
  double usd = 0;
  int unpriced = 0;  ///< finished tasks that used tokens but had no price

  void add(const Usage& usage, std::optional<double> cost_usd);
  /// Adds what a result line records (its "usage" and "cost_usd").
  void add_record(const nlohmann::json& record);
};

/// True when `spend` has reached the bound.
bool budget_reached(const Budget& budget, const Spend& spend);

}  // namespace agentry::batch
