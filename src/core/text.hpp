#pragma once
/// Small ASCII text helpers shared by every layer (header names, keywords, YAML and command
/// lines are ASCII where these are used; bytes of UTF-8 text pass through unchanged).
#include <string>
#include <string_view>

namespace agentry {

/// Space, tab, CR and LF.
inline constexpr std::string_view kWhitespace = " \t\r\n";
/// Space and tab (what YAML and Markdown call blanks).
inline constexpr std::string_view kBlanks = " \t";

/// Whether `c` is one of kWhitespace.
constexpr bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/// `s` with A–Z turned into a–z, whatever the locale; other bytes unchanged.
std::string ascii_lower(std::string_view s);

/// `s` without the leading and trailing characters found in `chars`.
std::string_view trim(std::string_view s, std::string_view chars = kWhitespace);

/// Whether `s` holds nothing but characters of `chars` (true when empty).
bool is_blank(std::string_view s, std::string_view chars = kWhitespace);

/// `s` itself when at most `max` bytes, else its first `max` bytes and "…" (for quoting input in
/// an error message).
std::string excerpt(std::string_view s, std::size_t max = 120);

/// `s` without trailing '/' (a base URL before a path is appended).
std::string without_trailing_slashes(std::string s);

}  // namespace agentry
