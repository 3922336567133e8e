#pragma once
/// agentry's own small line editor for the chat prompt (libedit and GNU readline both want to
/// own signals and the terminal; here SIGINT belongs to the interrupt watcher and SIGWINCH to a
/// signalfd). Raw mode while reading; emacs keys (line_buffer.hpp), history (history.hpp),
/// multi-line input and pastes (input_text.hpp), Tab completion (slash_commands.hpp), redraws
/// on resize. Ctrl-C clears the input, or on an empty prompt asks to be pressed again to quit;
/// Ctrl-D on an empty prompt is end of input.
#include <deque>
#include <functional>
#include <string>
#include <string_view>

#include "term/completion.hpp"
#include "term/history.hpp"
#include "term/input_text.hpp"
#include "term/key_decoder.hpp"
#include "term/line_buffer.hpp"
#include "term/terminal.hpp"

namespace agentry::term {

enum class ReadStatus {
  kLine,  ///< a line was submitted
  kEof,   ///< Ctrl-D on an empty prompt, or the input closed
  kQuit,  ///< Ctrl-C twice on an empty prompt
};

struct ReadResult {
  ReadStatus status = ReadStatus::kEof;
  std::string text;  ///< kLine: the input, pastes expanded
};

class LineEditor {
 public:
  /// Reads keys from `modes.fd()`, draws on `out_fd`; `resize` may be null.
  LineEditor(TerminalModes& modes, int out_fd, History& history, ResizeSignal* resize,
             const Environment& env);

  using Completer = std::function<Completion(std::string_view text, std::size_t cursor)>;
  void set_completer(Completer completer) { completer_ = std::move(completer); }

  /// Shows `prompt` (may hold colour codes; continuation lines are indented to its width) and
  /// edits until a line is submitted or the user quits. Leaves the terminal in busy mode.
  ReadResult read(const std::string& prompt);

  /// Columns of the terminal as last measured.
  int columns() const { return columns_; }

 private:
  /// Applies one key; returns a result when reading is over.
  std::optional<ReadResult> handle(const Key& key);
  void complete();
  void redraw();
  /// Draws the input one last time without hints, moves below it.
  void finish_drawing();
  void write(std::string_view bytes);

  TerminalModes& modes_;
  int out_;
  History& history_;
  ResizeSignal* resize_;
  const Environment& env_;
  Completer completer_;
  KeyDecoder decoder_;
  std::deque<Key> queued_;  ///< decoded after a submit, for the next read
  LineBuffer buffer_;
  PastedBlocks pastes_;
  std::string prompt_;
  std::string continuation_;
  std::vector<std::string> hints_;
  bool quit_armed_ = false;
  int columns_ = 80;
  int cursor_row_ = 0;  ///< the cursor's row within the drawn prompt
};

}  // namespace agentry::term
