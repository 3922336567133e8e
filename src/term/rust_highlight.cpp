#include "term/rust_highlight.hpp"

#include <array>
#include <cctype>

namespace agentry::term {

namespace {

constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kKeyword = "\x1b[35m";
constexpr std::string_view kString = "\x1b[32m";
constexpr std::string_view kComment = "\x1b[90m";
constexpr std::string_view kNumber = "\x1b[33m";
constexpr std::string_view kMacro = "\x1b[34m";
constexpr std::string_view kType = "\x1b[36m";

constexpr std::array<std::string_view, 39> kKeywords = {
    "as",     "async", "await", "break", "const",  "continue", "crate", "dyn",   "else",   "enum",
    "extern", "false", "fn",    "for",   "if",     "impl",     "in",    "let",   "loop",   "match",
    "mod",    "move",  "mut",   "pub",   "ref",    "return",   "self",  "Self",  "static", "struct",
    "super",  "trait", "true",  "type",  "unsafe", "use",      "where", "while", "yield"};

bool ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

void paint(std::string& out, std::string_view colour, std::string_view text) {
  out += colour;
  out += text;
  out += kReset;
}

}  // namespace

std::string RustHighlighter::line(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  auto string_end = [&](std::size_t from) {  // index after the closing quote, or npos
    for (std::size_t j = from; j < s.size(); ++j) {
      if (s[j] == '\\') {
        ++j;
      } else if (s[j] == '"') {
        return j + 1;
      }
    }
    return std::string_view::npos;
  };
  while (i < s.size()) {
    if (in_block_comment_ > 0) {
      std::size_t j = i;
      while (j < s.size() && in_block_comment_ > 0) {
        if (s.substr(j, 2) == "*/") {
          --in_block_comment_;
          j += 2;
        } else if (s.substr(j, 2) == "/*") {
          ++in_block_comment_;
          j += 2;
        } else {
          ++j;
        }
      }
      paint(out, kComment, s.substr(i, j - i));
      i = j;
      continue;
    }
    if (in_string_) {
      auto end = string_end(i);
      in_string_ = end == std::string_view::npos;
      std::size_t j = in_string_ ? s.size() : end;
      paint(out, kString, s.substr(i, j - i));
      i = j;
      continue;
    }
    char c = s[i];
    if (s.substr(i, 2) == "//") {
      paint(out, kComment, s.substr(i));
      break;
    }
    if (s.substr(i, 2) == "/*") {
      in_block_comment_ = 1;
      std::size_t j = i + 2;
      while (j < s.size() && in_block_comment_ > 0) {
        if (s.substr(j, 2) == "*/") {
          --in_block_comment_;
          j += 2;
        } else {
          ++j;
        }
      }
      paint(out, kComment, s.substr(i, j - i));
      i = j;
      continue;
    }
    if (c == '"' || (c == 'b' && s.substr(i, 2) == "b\"")) {
      std::size_t open = c == '"' ? i : i + 1;
      auto end = string_end(open + 1);
      in_string_ = end == std::string_view::npos;
      std::size_t j = in_string_ ? s.size() : end;
      paint(out, kString, s.substr(i, j - i));
      i = j;
      continue;
    }
    if (c == '\'') {
      // 'a' or '\n' is a character; 'a without a closing quote is a lifetime.
      std::size_t close = s.size();
      if (i + 2 < s.size() && s[i + 1] == '\\') {
        close = s.find('\'', i + 2);
      } else if (i + 2 < s.size() && s[i + 2] == '\'') {
        close = i + 2;
      }
      if (close != std::string_view::npos && close < s.size()) {
        paint(out, kString, s.substr(i, close + 1 - i));
        i = close + 1;
      } else {
        std::size_t j = i + 1;
        while (j < s.size() && ident_char(s[j]))
          ++j;
        paint(out, kKeyword, s.substr(i, j - i));
        i = j;
      }
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      std::size_t j = i;
      while (j < s.size() && (ident_char(s[j]) || s[j] == '.') &&
             !(s[j] == '.' && j + 1 < s.size() && s[j + 1] == '.'))
        ++j;
      paint(out, kNumber, s.substr(i, j - i));
      i = j;
      continue;
    }
    if (ident_start(c)) {
      std::size_t j = i;
      while (j < s.size() && ident_char(s[j]))
        ++j;
      auto word = s.substr(i, j - i);
      if (j < s.size() && s[j] == '!' && (j + 1 >= s.size() || s[j + 1] != '=')) {
        paint(out, kMacro, s.substr(i, j + 1 - i));
        i = j + 1;
        continue;
      }
      bool keyword = false;
      for (auto k : kKeywords)
        keyword = keyword || k == word;
      if (keyword) {
        paint(out, kKeyword, word);
      } else if (std::isupper(static_cast<unsigned char>(word[0]))) {
        paint(out, kType, word);
      } else {
        out += word;
      }
      i = j;
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

}  // namespace agentry::term
