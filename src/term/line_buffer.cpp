#include "term/line_buffer.hpp"

#include "core/text.hpp"
#include "term/display_width.hpp"

namespace agentry::term {

void LineBuffer::set(std::string text) {
  text_ = std::move(text);
  cursor_ = text_.size();
}

void LineBuffer::insert(std::string_view s) {
  text_.insert(cursor_, s);
  cursor_ += s.size();
}

void LineBuffer::backspace() {
  if (cursor_ == 0) return;
  auto from = previous_boundary(text_, cursor_);
  text_.erase(from, cursor_ - from);
  cursor_ = from;
}

void LineBuffer::delete_forward() {
  if (cursor_ >= text_.size()) return;
  text_.erase(cursor_, next_boundary(text_, cursor_) - cursor_);
}

void LineBuffer::left() {
  cursor_ = previous_boundary(text_, cursor_);
}

void LineBuffer::right() {
  cursor_ = next_boundary(text_, cursor_);
}

void LineBuffer::word_left() {
  while (cursor_ > 0 && is_ascii_space(text_[cursor_ - 1]))
    --cursor_;
  while (cursor_ > 0 && !is_ascii_space(text_[cursor_ - 1]))
    cursor_ = previous_boundary(text_, cursor_);
}

void LineBuffer::word_right() {
  while (cursor_ < text_.size() && is_ascii_space(text_[cursor_]))
    ++cursor_;
  while (cursor_ < text_.size() && !is_ascii_space(text_[cursor_]))
    cursor_ = next_boundary(text_, cursor_);
}

std::size_t LineBuffer::line_start() const {
  if (cursor_ == 0) return 0;
  auto nl = text_.rfind('\n', cursor_ - 1);
  return nl == std::string::npos ? 0 : nl + 1;
}

std::size_t LineBuffer::line_end() const {
  auto nl = text_.find('\n', cursor_);
  return nl == std::string::npos ? text_.size() : nl;
}

void LineBuffer::home() {
  cursor_ = line_start();
}

void LineBuffer::end() {
  cursor_ = line_end();
}

bool LineBuffer::up() {
  auto start = line_start();
  if (start == 0) return false;
  int column = display_width(std::string_view(text_).substr(start, cursor_ - start));
  std::size_t prev_end = start - 1;
  auto nl = prev_end == 0 ? std::string::npos : text_.rfind('\n', prev_end - 1);
  std::size_t prev_start = nl == std::string::npos ? 0 : nl + 1;
  auto line = std::string_view(text_).substr(prev_start, prev_end - prev_start);
  cursor_ = prev_start + fit_prefix(line, column).size();
  return true;
}

bool LineBuffer::down() {
  auto end_of_line = line_end();
  if (end_of_line >= text_.size()) return false;
  auto start = line_start();
  int column = display_width(std::string_view(text_).substr(start, cursor_ - start));
  std::size_t next_start = end_of_line + 1;
  auto nl = text_.find('\n', next_start);
  std::size_t next_end = nl == std::string::npos ? text_.size() : nl;
  auto line = std::string_view(text_).substr(next_start, next_end - next_start);
  cursor_ = next_start + fit_prefix(line, column).size();
  return true;
}

void LineBuffer::kill_to_end() {
  auto to = line_end();
  if (to == cursor_ && to < text_.size()) ++to;  // at the end of a line: join the next one
  killed_ = text_.substr(cursor_, to - cursor_);
  text_.erase(cursor_, to - cursor_);
}

void LineBuffer::kill_to_start() {
  auto from = line_start();
  killed_ = text_.substr(from, cursor_ - from);
  text_.erase(from, cursor_ - from);
  cursor_ = from;
}

void LineBuffer::kill_word_back() {
  auto to = cursor_;
  word_left();
  killed_ = text_.substr(cursor_, to - cursor_);
  text_.erase(cursor_, to - cursor_);
}

void LineBuffer::yank() {
  insert(killed_);
}

}  // namespace agentry::term
