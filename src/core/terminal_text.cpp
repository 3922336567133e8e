#include "core/terminal_text.hpp"

namespace agentry {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool is_bidi_control(char32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/// C1 controls that open a string sequence, ended by ST: DCS, SOS, OSC, PM, APC.
bool opens_string(char32_t cp) {
  return cp == 0x90 || cp == 0x98 || cp == 0x9D || cp == 0x9E || cp == 0x9F;
}

}  // namespace

std::string TerminalTextFilter::feed(std::string_view chunk) {
  std::string out;
  out.reserve(chunk.size());
  for (char c : chunk)
    byte(static_cast<unsigned char>(c), out);
  return out;
}

std::string TerminalTextFilter::finish() {
  std::string out;
  if (needed_ > 0) {
    needed_ = 0;
    partial_.clear();
    code_point(0xFFFD, kReplacement, out);
  }
  state_ = State::kText;
  after_cr_ = false;
  return out;
}

void TerminalTextFilter::byte(unsigned char b, std::string& out) {
  if (needed_ > 0) {
    if (b >= low_ && b <= high_) {
      partial_.push_back(static_cast<char>(b));
      cp_ = (cp_ << 6) | (b & 0x3F);
      low_ = 0x80;
      high_ = 0xBF;
      if (--needed_ == 0) {
        code_point(cp_, partial_, out);
        partial_.clear();
      }
      return;
    }
    // A character cut short: replaced, and this byte read afresh.
    needed_ = 0;
    partial_.clear();
    code_point(0xFFFD, kReplacement, out);
  }
  if (b < 0x80) {
    char c = static_cast<char>(b);
    code_point(b, std::string_view(&c, 1), out);
    return;
  }
  // Lead bytes, with the range of the first continuation byte that keeps the character minimal
  // and outside the surrogates and past U+10FFFF.
  low_ = 0x80;
  high_ = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    needed_ = 1;
    cp_ = b & 0x1F;
  } else if (b >= 0xE0 && b <= 0xEF) {
    needed_ = 2;
    cp_ = b & 0x0F;
    low_ = b == 0xE0 ? 0xA0 : 0x80;
    high_ = b == 0xED ? 0x9F : 0xBF;
  } else if (b >= 0xF0 && b <= 0xF4) {
    needed_ = 3;
    cp_ = b & 0x07;
    low_ = b == 0xF0 ? 0x90 : 0x80;
    high_ = b == 0xF4 ? 0x8F : 0xBF;
  } else {
    code_point(0xFFFD, kReplacement, out);
    return;
  }
  partial_.assign(1, static_cast<char>(b));
}

void TerminalTextFilter::code_point(char32_t cp, std::string_view raw, std::string& out) {
  switch (state_) {
    case State::kText:
      break;
    case State::kEscape:
      state_ = State::kText;
      if (cp == '[') {
        state_ = State::kCsi;
        return;
      }
      if (cp == ']' || cp == 'P' || cp == 'X' || cp == '^' || cp == '_') {
        state_ = State::kString;
        return;
      }
      if (cp >= 0x20 && cp <= 0x2F) {
        state_ = State::kEscapeIntermediate;
        return;
      }
      if (cp >= 0x30 && cp <= 0x7E) return;  // a two-byte escape (ESC c resets the terminal)
      break;                                 // a lone ESC: dropped, this is text again
    case State::kEscapeIntermediate:
      if (cp >= 0x20 && cp <= 0x2F) return;
      state_ = State::kText;
      if (cp >= 0x30 && cp <= 0x7E) return;
      break;
    case State::kCsi:
      if (cp >= 0x20 && cp <= 0x3F) return;  // parameters and intermediates
      state_ = State::kText;
      if (cp >= 0x40 && cp <= 0x7E) return;  // the final byte
      break;                                 // anything else cuts it short and is text
    case State::kStringEscape:
      state_ = State::kString;
      if (cp == '\\') {
        state_ = State::kText;
        return;
      }
      [[fallthrough]];
    case State::kString:
      if (cp == 0x07 || cp == 0x9C) {
        state_ = State::kText;
        return;
      }
      if (cp == 0x1B) {
        state_ = State::kStringEscape;
        return;
      }
      if (cp != '\n') return;
      state_ = State::kText;  // at most one line is swallowed by an unterminated string
      break;
  }
  text(cp, raw, out);
}

void TerminalTextFilter::text(char32_t cp, std::string_view raw, std::string& out) {
  bool after_cr = after_cr_;
  after_cr_ = false;
  if (cp == '\n' && after_cr) return;
  if (cp == 0x1B) {
    state_ = State::kEscape;
  } else if (cp == 0x9B) {
    state_ = State::kCsi;
  } else if (opens_string(cp)) {
    state_ = State::kString;
  } else if ((cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp)) {
    // dropped
  } else if (cp == '\r') {
    out += one_line_ ? "\\r" : "\n";
    after_cr_ = !one_line_;
  } else if (cp == '\n') {
    out += one_line_ ? "\\n" : "\n";
  } else if (cp == '\t') {
    out += one_line_ ? "\\t" : "\t";
  } else if (cp < 0x20 || cp == 0x7F) {
    out += '^';
    out += static_cast<char>(cp ^ 0x40);
  } else {
    out += raw;
  }
}

std::string terminal_safe(std::string_view text) {
  TerminalTextFilter filter;
  std::string out = filter.feed(text);
  return out + filter.finish();
}

std::string terminal_safe_line(std::string_view text) {
  TerminalTextFilter filter(true);
  std::string out = filter.feed(text);
  return out + filter.finish();
}

}  // namespace agentry
