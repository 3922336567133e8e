#include "tools/glob_match.hpp"

namespace agentry::tools {

namespace {

constexpr std::size_t kMaxAlternatives = 256;

/// Matches a `[...]` class at the start of `p` against `c`; `consumed` gets its length, 0 when
/// the bracket is unterminated (then it is a literal '[').
bool match_class(std::string_view p, char c, std::size_t& consumed) {
  std::size_t i = 1;
  bool negate = i < p.size() && (p[i] == '!' || p[i] == '^');
  if (negate) ++i;
  bool matched = false;
  bool first = true;
  for (; i < p.size() && (p[i] != ']' || first); ++i, first = false) {
    if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
      if (p[i] <= c && c <= p[i + 2]) matched = true;
      i += 2;
    } else if (p[i] == c) {
      matched = true;
    }
  }
  if (i >= p.size()) {
    consumed = 0;
    return false;
  }
  consumed = i + 1;
  return matched != negate;
}

bool match(std::string_view p, std::string_view s) {
  while (!p.empty()) {
    if (p.starts_with("**")) {
      std::string_view rest = p.substr(2);
      if (rest.starts_with('/') && match(rest.substr(1), s)) return true;
      for (std::size_t i = 0; i <= s.size(); ++i)
        if (match(rest, s.substr(i))) return true;
      return false;
    }
    char c = p.front();
    if (c == '*') {
      for (std::size_t i = 0; i <= s.size(); ++i) {
        if (match(p.substr(1), s.substr(i))) return true;
        if (i < s.size() && s[i] == '/') break;
      }
      return false;
    }
    if (s.empty()) return false;
    if (c == '?') {
      if (s.front() == '/') return false;
    } else if (c == '[') {
      std::size_t consumed = 0;
      bool ok = match_class(p, s.front(), consumed);
      if (consumed > 0) {
        if (!ok || s.front() == '/') return false;
        p.remove_prefix(consumed);
        s.remove_prefix(1);
        continue;
      }
      if (s.front() != '[') return false;
    } else if (c != s.front()) {
      return false;
    }
    p.remove_prefix(1);
    s.remove_prefix(1);
  }
  return s.empty();
}

void expand(std::string prefix, std::string_view rest, std::vector<std::string>& out) {
  if (out.size() >= kMaxAlternatives) return;
  auto open = rest.find('{');
  if (open == std::string_view::npos) {
    out.push_back(prefix + std::string(rest));
    return;
  }
  int depth = 0;
  std::size_t close = std::string_view::npos;
  std::vector<std::size_t> commas;
  for (std::size_t i = open; i < rest.size(); ++i) {
    if (rest[i] == '{') ++depth;
    if (rest[i] == '}' && --depth == 0) {
      close = i;
      break;
    }
    if (rest[i] == ',' && depth == 1) commas.push_back(i);
  }
  if (close == std::string_view::npos) {
    out.push_back(prefix + std::string(rest));
    return;
  }
  std::string head = prefix + std::string(rest.substr(0, open));
  std::string tail(rest.substr(close + 1));
  std::size_t start = open + 1;
  commas.push_back(close);
  for (std::size_t end : commas) {
    expand(head, std::string(rest.substr(start, end - start)) + tail, out);
    start = end + 1;
  }
}

}  // namespace

std::vector<std::string> expand_braces(std::string_view pattern) {
  std::vector<std::string> out;
  expand("", pattern, out);
  return out;
}

bool glob_match(std::string_view pattern, std::string_view path) {
  for (const auto& alternative : expand_braces(pattern))
    if (match(alternative, path)) return true;
  return false;
}

}  // namespace agentry::tools
