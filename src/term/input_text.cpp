#include "term/input_text.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace agentry::term {

bool continue_after_backslash(LineBuffer& buffer) {
  const auto& text = buffer.text();
  std::size_t pos = buffer.cursor();
  std::size_t slashes = 0;
  while (pos > slashes && text[pos - slashes - 1] == '\\')
    ++slashes;
  if (slashes % 2 == 0) return false;
  buffer.backspace();
  buffer.insert("\n");
  return true;
}

std::string PastedBlocks::add(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 || c == '\n' || c == '\t') clean.push_back(c);
  }
  while (clean.ends_with('\n'))
    clean.pop_back();
  auto lines = static_cast<std::size_t>(std::count(clean.begin(), clean.end(), '\n')) + 1;
  if (lines <= kMaxInlineLines && clean.size() <= kMaxInlineBytes) return clean;
  std::string placeholder = fmt::format("[pasted text #{}: {} lines]", ++counter_, lines);
  blocks_.push_back({placeholder, std::move(clean)});
  return placeholder;
}

std::string PastedBlocks::expand(std::string_view text) const {
  std::string out(text);
  for (const auto& b : blocks_) {
    auto at = out.find(b.placeholder);
    if (at != std::string::npos) out.replace(at, b.placeholder.size(), b.text);
  }
  return out;
}

}  // namespace agentry::term
