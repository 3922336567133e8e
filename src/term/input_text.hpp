#pragma once
/// Multi-line input and large pastes at the prompt.
///
/// Enter submits, except after a `\` (the backslash becomes a newline, as in a shell); Alt-Enter
/// always inserts a newline. A paste arrives whole (bracketed paste), so its newlines never
/// submit; a large one shows as a one-line placeholder ("[pasted text #1: 120 lines]") that is
/// expanded when the message is sent, so the prompt stays small and quick to redraw.
#include <string>
#include <string_view>
#include <vector>

#include "term/line_buffer.hpp"

namespace agentry::term {

/// Enter at the prompt: when the character before the cursor is an unescaped `\`, replaces it
/// with a newline and returns true (keep editing); otherwise false (submit).
bool continue_after_backslash(LineBuffer& buffer);

/// Pastes too large to show inline, kept until the message is sent.
class PastedBlocks {
 public:
  /// Pastes with more lines or bytes than this become placeholders.
  static constexpr std::size_t kMaxInlineLines = 8;
  static constexpr std::size_t kMaxInlineBytes = 2000;

  /// What to insert at the cursor for `text`: the text itself when small, else a placeholder.
  /// Control characters other than newline and tab are dropped either way.
  std::string add(std::string_view text);
  /// `text` with each placeholder still intact replaced by its paste.
  std::string expand(std::string_view text) const;
  void clear() {
    blocks_.clear();
    counter_ = 0;
  }

 private:
  struct Block {
    std::string placeholder;
    std::string text;
  };
  std::vector<Block> blocks_;
  int counter_ = 0;
};

}  // namespace agentry::term
