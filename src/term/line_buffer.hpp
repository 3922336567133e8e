#pragma once
/// The text being edited at the prompt and the cursor in it: a pure model of the editing keys
/// (emacs-style, as in shells), so the line editor only maps keys to these calls and draws.
/// The text may hold newlines (multi-line input); the cursor is a byte offset on a UTF-8
/// code point boundary.
#include <cstddef>
#include <string>
#include <string_view>

namespace agentry::term {

class LineBuffer {
 public:
  const std::string& text() const { return text_; }
  std::size_t cursor() const { return cursor_; }
  bool empty() const { return text_.empty(); }

  /// Replaces the text; the cursor goes to the end.
  void set(std::string text);
  void clear() { set({}); }
  void insert(std::string_view s);

  void backspace();
  void delete_forward();
  void left();
  void right();
  void word_left();
  void word_right();
  /// Start / end of the current line (not the whole text).
  void home();
  void end();
  /// To the line above / below, keeping the column; false when already on the first / last line
  /// (the editor then walks the history instead).
  bool up();
  bool down();

  /// Ctrl-K: to the end of the line, or the newline when already there. Ctrl-U: to the start of
  /// the line. Ctrl-W: the word before the cursor. What is cut can be yanked back (Ctrl-Y).
  void kill_to_end();
  void kill_to_start();
  void kill_word_back();
  void yank();

  /// Byte offsets where the cursor's line starts and ends (at its newline or the text's end).
  std::size_t line_start() const;
  std::size_t line_end() const;

 private:
  std::string text_;
  std::size_t cursor_ = 0;
  std::string killed_;
};

}  // namespace agentry::term
