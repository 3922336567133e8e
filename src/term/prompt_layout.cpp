#include "term/prompt_layout.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "term/display_width.hpp"

namespace agentry::term {

PromptLayout layout_prompt(std::string_view prompt, std::string_view continuation,
                           std::string_view text, std::size_t cursor,
                           const std::vector<std::string>& hints, int columns) {
  columns = std::max(columns, 2);
  PromptLayout out;
  int prefix = display_width(without_sgr(prompt));
  int row = 0;
  std::size_t line_start = 0;
  bool first = true;
  while (true) {
    auto nl = text.find('\n', line_start);
    std::size_t line_end = nl == std::string_view::npos ? text.size() : nl;
    std::string line(text.substr(line_start, line_end - line_start));
    std::replace(line.begin(), line.end(), '\t', ' ');
    if (!first) out.draw += "\r\n";
    out.draw += first ? prompt : continuation;
    out.draw += line;
    int total = prefix + display_width(line);
    if (cursor >= line_start && cursor <= line_end) {
      int at = prefix + display_width(line.substr(0, cursor - line_start));
      out.cursor_row = row + at / columns;
      out.cursor_column = at % columns;
    }
    if (total > 0 && total % columns == 0) out.draw += "\r\n";  // claim the empty row after it
    row += total / columns + 1;
    first = false;
    if (nl == std::string_view::npos) break;
    line_start = nl + 1;
  }
  for (const auto& hint : hints) {
    out.draw += "\r\n" + truncate_to_width(hint, columns - 1);
    ++row;
  }
  out.rows = row;
  return out;
}

std::string move_to_cursor(const PromptLayout& layout) {
  std::string out;
  int up = layout.rows - 1 - layout.cursor_row;
  if (up > 0) out += fmt::format("\x1b[{}A", up);
  out += "\r";
  if (layout.cursor_column > 0) out += fmt::format("\x1b[{}C", layout.cursor_column);
  return out;
}

}  // namespace agentry::term
