#include "batch/duration.hpp"

#include <cctype>
#include <cstdint>

#include <fmt/format.h>

namespace agentry::batch {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  constexpr std::int64_t kWeekMs = 7LL * 24 * 3600 * 1000;
  if (text.empty()) return std::nullopt;
  bool bare = text.find_first_not_of("0123456789") == std::string_view::npos;
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t value = 0;
    std::size_t digits = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      value = value * 10 + (text[i] - '0');
      if (value > kWeekMs) return std::nullopt;
      ++i;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    std::int64_t scale = 1000;
    if (!bare) {
      std::size_t unit_start = i;
      while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i])))
        ++i;
      std::string_view unit = text.substr(unit_start, i - unit_start);
      if (unit == "ms") {
        scale = 1;
      } else if (unit == "s") {
        scale = 1000;
      } else if (unit == "m") {
        scale = 60'000;
      } else if (unit == "h") {
        scale = 3'600'000;
      } else {
        return std::nullopt;
      }
    }
    total += value * scale;
    if (total > kWeekMs) return std::nullopt;
  }
  if (total <= 0) return std::nullopt;
  return std::chrono::milliseconds(total);
}

std::string format_duration(std::chrono::milliseconds duration) {
  std::int64_t ms = duration.count();
  if (ms < 0) ms = 0;
  if (ms < 1000) return fmt::format("{}ms", ms);
  if (ms < 60'000) return fmt::format("{:.1f}s", static_cast<double>(ms) / 1000.0);
  std::int64_t s = ms / 1000;
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

}  // namespace agentry::batch
