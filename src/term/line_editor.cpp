#include "term/line_editor.hpp"

#include <cerrno>
#include <csignal>
#include <poll.h>
#include <unistd.h>

#include <fmt/format.h>

#include "term/display_width.hpp"
#include "term/prompt_layout.hpp"

namespace agentry::term {

namespace {

constexpr int kEscapeWaitMs = 40;  // a lone ESC vs the start of a sequence
constexpr std::size_t kMaxHintRows = 6;

/// Candidates laid out in columns, at most kMaxHintRows rows.
std::vector<std::string> candidate_rows(const std::vector<std::string>& candidates, int columns) {
  std::size_t widest = 0;
  for (const auto& c : candidates)
    widest = std::max(widest, static_cast<std::size_t>(display_width(c)));
  std::size_t per_row =
      std::max<std::size_t>(1, static_cast<std::size_t>(columns - 1) / (widest + 2));
  std::vector<std::string> rows;
  for (std::size_t i = 0; i < candidates.size(); i += per_row) {
    if (rows.size() == kMaxHintRows) {
      rows.back() = fmt::format("… {} more", candidates.size() - i + per_row);
      break;
    }
    std::string row;
    for (std::size_t j = i; j < std::min(candidates.size(), i + per_row); ++j) {
      row += candidates[j];
      row.append(widest + 2 - static_cast<std::size_t>(display_width(candidates[j])), ' ');
    }
    while (row.ends_with(' '))
      row.pop_back();
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

LineEditor::LineEditor(TerminalModes& modes, int out_fd, History& history, ResizeSignal* resize,
                       const Environment& env)
    : modes_(modes), out_(out_fd), history_(history), resize_(resize), env_(env) {}

void LineEditor::write(std::string_view bytes) {
  while (!bytes.empty()) {
    auto n = ::write(out_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void LineEditor::redraw() {
  auto layout =
      layout_prompt(prompt_, continuation_, buffer_.text(), buffer_.cursor(), hints_, columns_);
  std::string out;
  if (cursor_row_ > 0) out += fmt::format("\x1b[{}A", cursor_row_);
  out += "\r\x1b[J";
  out += layout.draw;
  out += move_to_cursor(layout);
  cursor_row_ = layout.cursor_row;
  write(out);
}

void LineEditor::finish_drawing() {
  hints_.clear();
  auto layout =
      layout_prompt(prompt_, continuation_, buffer_.text(), buffer_.text().size(), {}, columns_);
  std::string out;
  if (cursor_row_ > 0) out += fmt::format("\x1b[{}A", cursor_row_);
  out += "\r\x1b[J" + layout.draw + "\r\n";
  cursor_row_ = 0;
  write(out);
}

ReadResult LineEditor::read(const std::string& prompt) {
  prompt_ = prompt;
  continuation_ = std::string(static_cast<std::size_t>(display_width(without_sgr(prompt))), ' ');
  buffer_.clear();
  pastes_.clear();
  hints_.clear();
  quit_armed_ = false;
  cursor_row_ = 0;
  history_.reset_walk();
  columns_ = window_size(out_, env_).columns;
  modes_.raw();
  write("\x1b[?2004h");

  std::optional<ReadResult> result;
  // Keys typed ahead of the last submit (several lines pasted without bracketed paste, or
  // typed while the turn ran) come first.
  while (!queued_.empty() && !result) {
    Key key = std::move(queued_.front());
    queued_.pop_front();
    result = handle(key);
  }
  if (!result) redraw();
  char bytes[4096];
  while (!result) {
    pollfd fds[2] = {{modes_.fd(), POLLIN, 0}, {resize_ ? resize_->fd() : -1, POLLIN, 0}};
    int ready = ::poll(fds, 2, decoder_.pending() ? kEscapeWaitMs : -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      result = ReadResult{ReadStatus::kEof, {}};
      break;
    }
    if (resize_ && (fds[1].revents & POLLIN) && resize_->drain()) {
      columns_ = window_size(out_, env_).columns;
      // Rows above the cursor under the new width: the terminal may have re-wrapped them.
      cursor_row_ =
          layout_prompt(prompt_, continuation_, buffer_.text(), buffer_.cursor(), {}, columns_)
              .cursor_row;
      redraw();
    }
    std::vector<Key> keys;
    if (ready == 0) {
      keys = decoder_.flush();
    } else if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      auto n = ::read(modes_.fd(), bytes, sizeof bytes);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        result = ReadResult{ReadStatus::kEof, {}};
        break;
      }
      keys = decoder_.feed(std::string_view(bytes, static_cast<std::size_t>(n)));
    }
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (result) {
        queued_.push_back(std::move(keys[i]));
      } else {
        result = handle(keys[i]);
      }
    }
    if (!result && !keys.empty()) redraw();
  }
  finish_drawing();
  write("\x1b[?2004l");
  modes_.busy();
  return *result;
}

std::optional<ReadResult> LineEditor::handle(const Key& key) {
  bool was_armed = quit_armed_;
  quit_armed_ = false;
  if (key.code != KeyCode::kTab) hints_.clear();
  switch (key.code) {
    case KeyCode::kText:
      buffer_.insert(key.text);
      break;
    case KeyCode::kPaste:
      buffer_.insert(pastes_.add(key.text));
      break;
    case KeyCode::kEnter:
      if (continue_after_backslash(buffer_)) break;
      return ReadResult{ReadStatus::kLine, pastes_.expand(buffer_.text())};
    case KeyCode::kNewline:
      buffer_.insert("\n");
      break;
    case KeyCode::kTab:
      complete();
      break;
    case KeyCode::kBackspace:
      buffer_.backspace();
      break;
    case KeyCode::kDelete:
      buffer_.delete_forward();
      break;
    case KeyCode::kLeft:
      buffer_.left();
      break;
    case KeyCode::kRight:
      buffer_.right();
      break;
    case KeyCode::kUp:
      if (!buffer_.up()) {
        if (auto entry = history_.previous(buffer_.text())) buffer_.set(*entry);
      }
      break;
    case KeyCode::kDown:
      if (!buffer_.down()) {
        if (auto entry = history_.next()) buffer_.set(*entry);
      }
      break;
    case KeyCode::kHome:
      buffer_.home();
      break;
    case KeyCode::kEnd:
      buffer_.end();
      break;
    case KeyCode::kWordLeft:
      buffer_.word_left();
      break;
    case KeyCode::kWordRight:
      buffer_.word_right();
      break;
    case KeyCode::kKillToEnd:
      buffer_.kill_to_end();
      break;
    case KeyCode::kKillToStart:
      buffer_.kill_to_start();
      break;
    case KeyCode::kKillWord:
      buffer_.kill_word_back();
      break;
    case KeyCode::kYank:
      buffer_.yank();
      break;
    case KeyCode::kInterrupt:
      if (!buffer_.empty()) {
        buffer_.clear();
        pastes_.clear();
        history_.reset_walk();
        break;
      }
      if (was_armed) return ReadResult{ReadStatus::kQuit, {}};
      quit_armed_ = true;
      hints_ = {"Press Ctrl-C again to quit (or Ctrl-D)."};
      break;
    case KeyCode::kEof:
      if (buffer_.empty()) return ReadResult{ReadStatus::kEof, {}};
      buffer_.delete_forward();
      break;
    case KeyCode::kClearScreen:
      write("\x1b[H\x1b[2J");
      cursor_row_ = 0;
      break;
    case KeyCode::kSuspend: {
      finish_drawing();
      modes_.restore();
      ::raise(SIGTSTP);
      // Continued: take the terminal back and draw the prompt again.
      modes_.raw();
      write("\x1b[?2004h");
      columns_ = window_size(out_, env_).columns;
      break;
    }
    case KeyCode::kEscape:
    case KeyCode::kUnknown:
      break;
  }
  return std::nullopt;
}

void LineEditor::complete() {
  hints_.clear();
  if (!completer_) return;
  auto c = completer_(buffer_.text(), buffer_.cursor());
  if (c.candidates.empty()) return;
  std::string current = buffer_.text().substr(c.start, c.end - c.start);
  std::string replacement;
  if (c.candidates.size() == 1) {
    replacement = c.candidates[0];
    if (!replacement.ends_with('/')) replacement += ' ';
  } else {
    replacement = common_prefix(c.candidates);
    if (replacement.size() <= current.size()) {
      hints_ = candidate_rows(c.candidates, columns_);
      return;
    }
  }
  std::string text = buffer_.text();
  text.replace(c.start, c.end - c.start, replacement);
  std::size_t cursor = c.start + replacement.size();
  buffer_.set(text);
  while (buffer_.cursor() > cursor)
    buffer_.left();
}

}  // namespace agentry::term
