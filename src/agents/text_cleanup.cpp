#include "agents/text_cleanup.hpp"

#include <array>
#include <cstring>
#include <optional>
#include <string_view>

namespace agentry::agents {

namespace {

/// Decodes one UTF-8 character at `pos`; its length, or 0 when the bytes there are not valid.
std::size_t decode_utf8(std::string_view s, std::size_t pos, char32_t& cp) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char b0 = byte(pos);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC2 ? 2 : 0;
  if (len == 0 || b0 > 0xF4 || pos + len > s.size()) return 0;
  cp = b0 & (0x7F >> len);
  for (std::size_t i = 1; i < len; ++i) {
    unsigned char b = byte(pos + i);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

/// The Windows-1252 byte a character came from, when it came from one (Latin-1 for the five
/// bytes Windows-1252 leaves undefined, as most decoders do).
std::optional<unsigned char> windows_1252_byte(char32_t cp) {
  static constexpr std::array<char32_t, 32> kHigh = {
      0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0x8D,   0x017D, 0x8F,   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};
  if (cp >= 0xA0 && cp <= 0xFF) return static_cast<unsigned char>(cp);
  if (cp >= 0x80 && cp <= 0x9F) return static_cast<unsigned char>(cp);
  for (std::size_t i = 0; i < kHigh.size(); ++i) {
    if (kHigh[i] == cp) return static_cast<unsigned char>(0x80 + i);
  }
  return std::nullopt;
}

/// Tries to read one mojibake sequence at `pos`: on success, the original character's bytes in
/// `bytes` and the length of the mojibake in `text`.
std::size_t match_mojibake(std::string_view text, std::size_t pos, std::string& bytes) {
  char32_t cp = 0;
  std::size_t len = decode_utf8(text, pos, cp);
  if (len == 0 || cp < 0xC2 || cp > 0xF4) return 0;
  auto lead = static_cast<unsigned char>(cp);
  std::size_t needed = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1;
  bytes.assign(1, static_cast<char>(lead));
  std::size_t end = pos + len;
  for (std::size_t i = 0; i < needed; ++i) {
    if (end >= text.size()) return 0;
    std::size_t n = decode_utf8(text, end, cp);
    if (n == 0) return 0;
    auto b = windows_1252_byte(cp);
    if (!b || *b < 0x80 || *b > 0xBF) return 0;
    bytes.push_back(static_cast<char>(*b));
    end += n;
  }
  char32_t original = 0;
  if (decode_utf8(bytes, 0, original) != bytes.size()) return 0;
  return end - pos;
}

}  // namespace

bool strip_bom(std::string& text) {
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) {
    text.erase(0, 3);
    return true;
  }
  return false;
}

void normalise_line_endings(std::string& text) {
  std::size_t first = text.find('\r');
  if (first == std::string::npos) return;
  std::size_t out = first;
  for (std::size_t in = first; in < text.size(); ++in) {
    if (text[in] == '\r') {
      text[out++] = '\n';
      if (in + 1 < text.size() && text[in + 1] == '\n') ++in;
    } else {
      text[out++] = text[in];
    }
  }
  text.resize(out);
}

MojibakeRepair repair_double_encoded_utf8(std::string& text) {
  MojibakeRepair repair;
  // Every lead character (U+00C2..U+00F4) is encoded as 0xC3 0x82..0xB4: no 0xC3, no mojibake.
  if (std::memchr(text.data(), 0xC3, text.size()) == nullptr) return repair;
  std::string out;
  std::string bytes;
  int line = 1;
  std::size_t line_start = 0;
  std::size_t copied = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    if (text[pos] == '\n') {
      ++line;
      line_start = pos + 1;
      ++pos;
      continue;
    }
    if (static_cast<unsigned char>(text[pos]) != 0xC3) {
      ++pos;
      continue;
    }
    std::size_t len = match_mojibake(text, pos, bytes);
    if (len == 0) {
      ++pos;
      continue;
    }
    if (repair.count++ == 0) {
      repair.first_line = line;
      repair.first_column = static_cast<int>(pos - line_start) + 1;
      repair.first_from = text.substr(pos, len);
      repair.first_to = bytes;
    }
    out.append(text, copied, pos - copied);
    out += bytes;
    pos += len;
    copied = pos;
  }
  if (repair.count > 0) {
    out.append(text, copied, std::string::npos);
    text = std::move(out);
  }
  return repair;
}

}  // namespace agentry::agents
