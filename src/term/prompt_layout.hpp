#pragma once
/// Where the prompt and its (possibly multi-line, possibly wrapped) input land on the screen, so
/// the editor can redraw in place: every row is counted from the top of the prompt, with the
/// terminal's own wrapping at `columns`. A logical line that exactly fills its last row gets an
/// empty row after it (the cursor must be able to sit there), so the count never depends on the
/// terminal's pending-wrap behaviour.
#include <string>
#include <string_view>
#include <vector>

namespace agentry::term {

struct PromptLayout {
  std::string draw;  ///< what to write once the old prompt is erased (rows joined by "\r\n")
  int rows = 1;      ///< rows it takes
  int cursor_row = 0;
  int cursor_column = 0;
};

/// `prompt` starts the first line, `continuation` (same width) the others; `hints` are extra
/// rows below the input (completion candidates, "Ctrl-C again to quit"), each cut to fit one row.
/// Prompts may hold colour codes; `text` holds no control characters but newlines and tabs.
PromptLayout layout_prompt(std::string_view prompt, std::string_view continuation,
                           std::string_view text, std::size_t cursor,
                           const std::vector<std::string>& hints, int columns);

/// The escape sequences that move the cursor from the last row of a drawn layout to its cursor.
std::string move_to_cursor(const PromptLayout& layout);

}  // namespace agentry::term
