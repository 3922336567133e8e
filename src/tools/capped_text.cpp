#include "tools/capped_text.hpp"

#include <fmt/format.h>

namespace agentry::tools {

CappedBuffer::CappedBuffer(std::size_t cap) : head_cap_(cap / 2), tail_cap_(cap - cap / 2) {}

void CappedBuffer::append(std::string_view data) {
  total_ += data.size();
  if (head_.size() < head_cap_) {
    std::size_t take = std::min(head_cap_ - head_.size(), data.size());
    head_.append(data.substr(0, take));
    data.remove_prefix(take);
  }
  if (data.empty() || tail_cap_ == 0) return;
  if (data.size() >= tail_cap_) {
    tail_.assign(data.substr(data.size() - tail_cap_));
    return;
  }
  tail_.append(data);
  // Trim only when twice the cap is reached, so appends stay amortised O(1) per byte.
  if (tail_.size() > 2 * tail_cap_) tail_.erase(0, tail_.size() - tail_cap_);
}

std::size_t CappedBuffer::dropped() const {
  return total_ - head_.size() - std::min(tail_.size(), tail_cap_);
}

std::string cut_marker(std::size_t dropped) {
  return fmt::format("\n[... {} bytes cut ...]\n", dropped);
}

std::string CappedBuffer::text() const {
  std::string_view tail(tail_);
  if (tail.size() > tail_cap_) tail.remove_prefix(tail.size() - tail_cap_);
  std::size_t gap = dropped();
  if (gap == 0) return head_ + std::string(tail);
  // Cut at line ends when one is near, so the model never sees half a line at the seam.
  std::string_view head(head_);
  if (auto nl = head.rfind('\n'); nl != std::string_view::npos && nl + 1 >= head.size() * 3 / 4) {
    gap += head.size() - (nl + 1);
    head = head.substr(0, nl + 1);
  }
  if (auto nl = tail.find('\n'); nl != std::string_view::npos && nl < tail.size() / 4) {
    gap += nl + 1;
    tail.remove_prefix(nl + 1);
  }
  std::string out(head);
  if (!out.empty() && out.back() == '\n') out.pop_back();
  out += cut_marker(gap);
  out += tail;
  return out;
}

std::string cap_text(std::string_view text, std::size_t cap) {
  if (text.size() <= cap) return std::string(text);
  CappedBuffer buffer(cap);
  buffer.append(text);
  return buffer.text();
}

namespace {

/// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not one.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned min = 0;
  unsigned cp = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 2, min = 0x80, cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, min = 0x800, cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, min = 0x10000, cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::size_t n = utf8_sequence_length(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace agentry::tools
