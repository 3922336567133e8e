#include "term/markdown.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "term/display_width.hpp"

namespace agentry::term {

namespace {

bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

std::size_t leading_spaces(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && s[n] == ' ')
    ++n;
  return n;
}

std::string repeat(std::string_view piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i)
    out += piece;
  return out;
}

/// A fence: three or more ` or ~ after at most the given indentation.
bool is_fence(std::string_view trimmed) {
  return trimmed.starts_with("```") || trimmed.starts_with("~~~");
}

std::string_view fence_of(std::string_view trimmed) {
  std::size_t n = 0;
  while (n < trimmed.size() && trimmed[n] == trimmed[0])
    ++n;
  return trimmed.substr(0, n);
}

bool is_rule(std::string_view trimmed) {
  if (trimmed.empty()) return false;
  char c = trimmed[0];
  if (c != '-' && c != '*' && c != '_') return false;
  int count = 0;
  for (char x : trimmed) {
    if (x == c) {
      ++count;
    } else if (x != ' ') {
      return false;
    }
  }
  return count >= 3;
}

/// The index of the closing `marker` for an opening one ending at `from`, or npos.
std::size_t find_closing(std::string_view text, std::size_t from, std::string_view marker) {
  for (auto at = text.find(marker, from); at != std::string_view::npos;
       at = text.find(marker, at + 1)) {
    if (at == from) continue;
    if (text[at - 1] == ' ' || text[at - 1] == '\\') continue;
    if (marker[0] == '_' && at + marker.size() < text.size() && is_alnum(text[at + marker.size()]))
      continue;
    return at;
  }
  return std::string_view::npos;
}

}  // namespace

std::string expand_tabs(std::string_view text) {
  if (text.find('\t') == std::string_view::npos) return std::string(text);
  std::string out;
  int column = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    if (text[pos] == '\t') {
      int spaces = 4 - column % 4;
      out.append(static_cast<std::size_t>(spaces), ' ');
      column += spaces;
      ++pos;
      continue;
    }
    std::size_t start = pos;
    column += code_point_width(next_code_point(text, pos));
    out.append(text.substr(start, pos - start));
  }
  return out;
}

std::string MarkdownRenderer::dim(std::string_view text) const {
  if (!style_.color) return std::string(text);
  return fmt::format("\x1b[2m{}\x1b[22m", text);
}

std::string MarkdownRenderer::frame_edge(bool top, std::string_view label) const {
  int cols = std::max(4, std::min(style_.width, 80) - 1);
  if (!top) return dim(fmt::format("╰{}", repeat("─", cols - 1)));
  if (label.empty()) return dim(fmt::format("╭{}", repeat("─", cols - 1)));
  std::string head = truncate_to_width(label, std::max(1, cols - 5));
  int rest = std::max(1, cols - 4 - display_width(head));
  return fmt::format("{}{}{}", dim("╭─ "),
                     style_.color ? fmt::format("\x1b[1m{}\x1b[22m", head) : head,
                     dim(fmt::format(" {}", repeat("─", rest))));
}

std::vector<std::string> MarkdownRenderer::render_line(std::string_view raw) {
  std::string expanded = expand_tabs(raw);
  std::string_view line = expanded;
  std::size_t indent = leading_spaces(line);
  std::string_view trimmed = line.substr(indent);
  std::string pad(indent, ' ');

  if (in_code_) {
    auto close = trimmed;
    while (!close.empty() && close.back() == ' ')
      close.remove_suffix(1);
    if (is_fence(close) && close.size() >= fence_.size() &&
        close.find_first_not_of(fence_[0]) == std::string_view::npos) {
      in_code_ = false;
      return {std::string(indent_, ' ') + frame_edge(false, {})};
    }
    std::string_view code = line.substr(std::min(indent, indent_));
    std::string body = style_.color && rust_ ? highlighter_.line(code) : std::string(code);
    return {std::string(indent_, ' ') + dim("│") + " " + body};
  }

  if (is_fence(trimmed)) {
    in_code_ = true;
    fence_ = std::string(fence_of(trimmed));
    indent_ = indent;
    std::string lang(trimmed.substr(fence_.size()));
    lang.erase(0, lang.find_first_not_of(' '));
    if (auto sp = lang.find_first_of(" ,{"); sp != std::string::npos) lang.resize(sp);
    std::string lower = lang;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    rust_ = lower == "rust" || lower == "rs";
    highlighter_.reset();
    return {pad + frame_edge(true, lang)};
  }

  if (is_rule(trimmed) && indent < 4) {
    return {dim(repeat("─", std::max(3, std::min(style_.width, 80) - 1)))};
  }
  if (!style_.color) return {std::string(line)};

  if (trimmed.starts_with('#')) {
    std::size_t level = 0;
    while (level < trimmed.size() && trimmed[level] == '#')
      ++level;
    if (level <= 6 && (level == trimmed.size() || trimmed[level] == ' ')) {
      std::string_view title = trimmed.substr(level);
      while (!title.empty() && title.front() == ' ')
        title.remove_prefix(1);
      while (!title.empty() && (title.back() == '#' || title.back() == ' '))
        title.remove_suffix(1);
      const char* sgr = level == 1 ? "1;4" : level == 2 ? "1;36" : "1";
      return {fmt::format("{}\x1b[{}m{}\x1b[0m", pad, sgr, inline_spans(title))};
    }
  }
  if (trimmed.starts_with('>')) {
    std::string_view rest = trimmed.substr(1);
    if (rest.starts_with(' ')) rest.remove_prefix(1);
    return {pad + dim("│") + " " + inline_spans(rest)};
  }
  if (trimmed.size() >= 2 && (trimmed[0] == '-' || trimmed[0] == '*' || trimmed[0] == '+') &&
      trimmed[1] == ' ') {
    return {pad + "• " + inline_spans(trimmed.substr(2))};
  }
  std::size_t digits = 0;
  while (digits < trimmed.size() && std::isdigit(static_cast<unsigned char>(trimmed[digits])))
    ++digits;
  if (digits > 0 && digits + 1 < trimmed.size() &&
      (trimmed[digits] == '.' || trimmed[digits] == ')') && trimmed[digits + 1] == ' ') {
    return {fmt::format("{}{}. {}", pad, trimmed.substr(0, digits),
                        inline_spans(trimmed.substr(digits + 2)))};
  }
  return {pad + inline_spans(trimmed)};
}

std::vector<std::string> MarkdownRenderer::finish() {
  if (!in_code_) return {};
  in_code_ = false;
  return {std::string(indent_, ' ') + frame_edge(false, {})};
}

std::string MarkdownRenderer::inline_spans(std::string_view text) const {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size() && std::ispunct(static_cast<unsigned char>(text[i + 1]))) {
      out.push_back(text[i + 1]);
      i += 2;
      continue;
    }
    if (c == '`') {
      std::size_t n = 0;
      while (i + n < text.size() && text[i + n] == '`')
        ++n;
      std::string_view marker = text.substr(i, n);
      auto close = text.find(marker, i + n);
      if (close != std::string_view::npos) {
        std::string_view code = text.substr(i + n, close - i - n);
        if (n > 1 && code.size() >= 2 && code.front() == ' ' && code.back() == ' ')
          code = code.substr(1, code.size() - 2);
        out += fmt::format("\x1b[36m{}\x1b[39m", code);
        i = close + n;
        continue;
      }
      out += marker;
      i += n;
      continue;
    }
    if (c == '[') {
      auto mid = text.find("](", i);
      auto close = mid == std::string_view::npos ? mid : text.find(')', mid + 2);
      if (close != std::string_view::npos && text.find('\n', i) > close) {
        std::string_view label = text.substr(i + 1, mid - i - 1);
        std::string_view url = text.substr(mid + 2, close - mid - 2);
        out += fmt::format("\x1b[4m{}\x1b[24m", inline_spans(label));
        if (url != label) out += dim(fmt::format(" ({})", url));
        i = close + 1;
        continue;
      }
    }
    bool word_before = i > 0 && is_alnum(text[i - 1]);
    if ((c == '*' || c == '_' || c == '~') && !(c == '_' && word_before)) {
      std::string_view marker = text.substr(i, 1);
      if (i + 1 < text.size() && text[i + 1] == c) marker = text.substr(i, 2);
      if (c == '~' && marker.size() == 1) {
        out.push_back(c);
        ++i;
        continue;
      }
      std::size_t start = i + marker.size();
      bool can_open = start < text.size() && text[start] != ' ';
      auto close = can_open ? find_closing(text, start, marker) : std::string_view::npos;
      if (close != std::string_view::npos) {
        const char* on = c == '~' ? "9" : marker.size() == 2 ? "1" : "3";
        const char* off = c == '~' ? "29" : marker.size() == 2 ? "22" : "23";
        out += fmt::format("\x1b[{}m{}\x1b[{}m", on,
                           inline_spans(text.substr(start, close - start)), off);
        i = close + marker.size();
        continue;
      }
      out += marker;
      i += marker.size();
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

}  // namespace agentry::term
