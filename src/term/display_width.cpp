#include "term/display_width.hpp"

namespace agentry::term {

namespace {

constexpr char32_t kReplacement = 0xFFFD;

bool in(char32_t c, char32_t lo, char32_t hi) {
  return c >= lo && c <= hi;
}

bool continuation(unsigned char b) {
  return (b & 0xC0) == 0x80;
}

}  // namespace

char32_t next_code_point(std::string_view text, std::size_t& pos) {
  auto b0 = static_cast<unsigned char>(text[pos]);
  if (b0 < 0x80) {
    ++pos;
    return b0;
  }
  int extra = (b0 >> 5) == 0x6 ? 1 : (b0 >> 4) == 0xE ? 2 : (b0 >> 3) == 0x1E ? 3 : -1;
  if (extra < 0 || pos + static_cast<std::size_t>(extra) >= text.size()) {
    ++pos;
    return kReplacement;
  }
  char32_t c = b0 & (0x3F >> extra);
  for (int i = 1; i <= extra; ++i) {
    auto b = static_cast<unsigned char>(text[pos + static_cast<std::size_t>(i)]);
    if (!continuation(b)) {
      ++pos;
      return kReplacement;
    }
    c = (c << 6) | (b & 0x3F);
  }
  pos += static_cast<std::size_t>(extra) + 1;
  return c;
}

int code_point_width(char32_t c) {
  if (c == 0) return 0;
  if (c < 0x300) return 1;
  // Combining marks and zero-width characters.
  if (in(c, 0x300, 0x36F) || in(c, 0x1AB0, 0x1AFF) || in(c, 0x1DC0, 0x1DFF) ||
      in(c, 0x20D0, 0x20FF) || in(c, 0xFE20, 0xFE2F) || in(c, 0x200B, 0x200F) || c == 0xFE0F ||
      c == 0xFE0E || c == 0x2060)
    return 0;
  // Wide: Hangul Jamo, CJK, Hangul syllables, compatibility forms, fullwidth forms, emoji.
  if (in(c, 0x1100, 0x115F) || in(c, 0x2E80, 0x303E) || in(c, 0x3041, 0x33FF) ||
      in(c, 0x3400, 0x4DBF) || in(c, 0x4E00, 0x9FFF) || in(c, 0xA000, 0xA4CF) ||
      in(c, 0xAC00, 0xD7A3) || in(c, 0xF900, 0xFAFF) || in(c, 0xFE30, 0xFE4F) ||
      in(c, 0xFF00, 0xFF60) || in(c, 0xFFE0, 0xFFE6) || in(c, 0x1F300, 0x1F64F) ||
      in(c, 0x1F900, 0x1F9FF) || in(c, 0x1F680, 0x1F6FF) || in(c, 0x20000, 0x3FFFD))
    return 2;
  return 1;
}

int display_width(std::string_view text) {
  int width = 0;
  for (std::size_t pos = 0; pos < text.size();)
    width += code_point_width(next_code_point(text, pos));
  return width;
}

std::string_view fit_prefix(std::string_view text, int columns) {
  int width = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t next = pos;
    int w = code_point_width(next_code_point(text, next));
    if (width + w > columns) break;
    width += w;
    pos = next;
  }
  return text.substr(0, pos);
}

std::string truncate_to_width(std::string_view text, int columns) {
  if (display_width(text) <= columns) return std::string(text);
  if (columns <= 0) return {};
  return std::string(fit_prefix(text, columns - 1)) + "…";
}

std::string without_sgr(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
      std::size_t j = i + 2;
      while (j < text.size() && text[j] != 'm' && j - i < 32)
        ++j;
      if (j < text.size() && text[j] == 'm') {
        i = j;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

std::size_t previous_boundary(std::string_view text, std::size_t pos) {
  if (pos == 0) return 0;
  --pos;
  while (pos > 0 && continuation(static_cast<unsigned char>(text[pos])))
    --pos;
  return pos;
}

std::size_t next_boundary(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return text.size();
  next_code_point(text, pos);
  return pos;
}

}  // namespace agentry::term
