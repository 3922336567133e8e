#include "batch/budget.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace agentry::batch {

namespace {

std::string lower_without_blanks(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool strip_prefix(std::string& s, std::string_view prefix) {
  if (s.rfind(prefix, 0) != 0) return false;
  s.erase(0, prefix.size());
  return true;
}

bool strip_suffix(std::string& s, std::string_view suffix) {
  if (s.size() < suffix.size() || s.compare(s.size() - suffix.size(), suffix.size(), suffix) != 0)
    return false;
  s.erase(s.size() - suffix.size());
  return true;
}

std::optional<double> positive_number(const std::string& s) {
  if (s.empty() || s.find_first_not_of("0123456789.") != std::string::npos) return std::nullopt;
  char* end = nullptr;
  double value = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !(value > 0) || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

std::string Budget::to_string() const {
  if (usd) return fmt::format("${:.2f}", *usd);
  if (tokens) return fmt::format("{} tokens", *tokens);
  return "none";
}

Result<Budget> parse_budget(std::string_view text) {
  std::string s = lower_without_blanks(text);
  Budget budget;
  bool money = strip_prefix(s, "$");
  if (!money) money = strip_suffix(s, "$") || strip_suffix(s, "usd");
  if (money) {
    if (auto v = positive_number(s)) {
      budget.usd = *v;
      return budget;
    }
  } else {
    if (!strip_suffix(s, "tokens")) strip_suffix(s, "tok");
    double scale = 1;
    if (strip_suffix(s, "k")) {
      scale = 1e3;
    } else if (strip_suffix(s, "m")) {
      scale = 1e6;
    }
    if (auto v = positive_number(s); v && *v * scale >= 1 && *v * scale < 1e15) {
      budget.tokens = static_cast<std::int64_t>(std::llround(*v * scale));
      return budget;
    }
  }
  return fail(ErrorCode::kUsage, fmt::format("bad budget \"{}\"", text), "--budget",
              "give tokens (500k, 2M, 120000) or dollars ($5, 5usd)");
}

void Spend::add(const Usage& usage, std::optional<double> cost_usd) {
  // Every token the model read or wrote: with prompt caching, input_tokens is only the uncached
  // rest, and a token budget that left cache reads out would bound many times the work it says.
  // A budget in dollars is the one that weighs cache reads at their price.
  std::int64_t used =
      usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens + usage.output_tokens;
  tokens += used;
  cache_read_tokens += usage.cache_read_tokens;
  cache_write_tokens += usage.cache_write_tokens;
  if (cost_usd) {
    usd += *cost_usd;
  } else if (used > 0) {
    ++unpriced;
  }
}

void Spend::add_record(const nlohmann::json& record) {
  Usage usage;
  if (auto it = record.find("usage"); it != record.end() && it->is_object()) {
    try {
      usage = it->get<Usage>();
    } catch (const nlohmann::json::exception&) {
      usage = Usage{};
    }
  }
  std::optional<double> cost;
  if (auto it = record.find("cost_usd"); it != record.end() && it->is_number())
    cost = it->get<double>();
  add(usage, cost);
}

bool budget_reached(const Budget& budget, const Spend& spend) {
  return (budget.tokens && spend.tokens >= *budget.tokens) ||
         (budget.usd && spend.usd >= *budget.usd);
}

}  // namespace agentry::batch
