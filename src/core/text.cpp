#include "core/text.hpp"

namespace agentry {

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view trim(std::string_view s, std::string_view chars) {
  auto start = s.find_first_not_of(chars);
  if (start == std::string_view::npos) return {};
  return s.substr(start, s.find_last_not_of(chars) - start + 1);
}

bool is_blank(std::string_view s, std::string_view chars) {
  return s.find_first_not_of(chars) == std::string_view::npos;
}

std::string excerpt(std::string_view s, std::size_t max) {
  return s.size() <= max ? std::string(s) : std::string(s.substr(0, max)) + "…";
}

std::string without_trailing_slashes(std::string s) {
  while (!s.empty() && s.back() == '/')
    s.pop_back();
  return s;
}

}  // namespace agentry
