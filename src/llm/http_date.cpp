#include "llm/http_date.hpp"

#include <array>
#include <cctype>
#include <charconv>

namespace agentry::llm {

namespace {

bool equals_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::optional<int> number(std::string_view s) {
  int value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

/// "hh:mm:ss" as seconds into the day.
std::optional<int> clock_time(std::string_view s) {
  if (s.size() != 8 || s[2] != ':' || s[5] != ':') return std::nullopt;
  auto h = number(s.substr(0, 2));
  auto m = number(s.substr(3, 2));
  auto sec = number(s.substr(6, 2));
  if (!h || !m || !sec || *h > 23 || *m > 59 || *sec > 60) return std::nullopt;
  return *h * 3600 + *m * 60 + *sec;
}

constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                      "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr std::array<std::string_view, 7> kLongDays = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

bool is_weekday(std::string_view s) {
  for (std::size_t i = 0; i < kDays.size(); ++i) {
    if (equals_nocase(s, kDays[i]) || equals_nocase(s, kLongDays[i])) return true;
  }
  return false;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
  // The three forms hold the same tokens in different orders, separated by ' ', ',' or '-'.
  std::optional<int> day, month, year, seconds;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ' || text[i] == ',' || text[i] == '-') {
      ++i;
      continue;
    }
    std::size_t end = text.find_first_of(" ,-", i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view token = text.substr(i, end - i);
    i = end;
    if (token.find(':') != std::string_view::npos) {
      if (seconds || !(seconds = clock_time(token))) return std::nullopt;
    } else if (std::isdigit(static_cast<unsigned char>(token.front()))) {
      auto n = number(token);
      if (!n) return std::nullopt;
      if (token.size() <= 2 && !day) {
        day = n;
      } else if (!year) {
        year = token.size() <= 2 ? (*n < 70 ? 2000 + *n : 1900 + *n) : *n;
      } else {
        return std::nullopt;
      }
    } else if (equals_nocase(token, "GMT") || equals_nocase(token, "UTC") || is_weekday(token)) {
      continue;
    } else {
      bool found = false;
      for (std::size_t m = 0; m < kMonths.size() && !found; ++m) {
        if (equals_nocase(token, kMonths[m])) {
          if (month) return std::nullopt;
          month = static_cast<int>(m) + 1;
          found = true;
        }
      }
      if (!found) return std::nullopt;
    }
  }
  if (!day || !month || !year || !seconds) return std::nullopt;
  using namespace std::chrono;
  year_month_day date{std::chrono::year(*year), std::chrono::month(static_cast<unsigned>(*month)),
                      std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok()) return std::nullopt;
  return system_clock::time_point(sys_days(date)) + std::chrono::seconds(*seconds);
}

}  // namespace agentry::llm
