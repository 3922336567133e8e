#pragma once
/// A cheap, line-at-a-time Rust highlighter for code blocks in chat answers: keywords, strings,
/// characters and lifetimes, comments (block comments may span lines), numbers, macros and type
/// names. It colours; it never changes the text.
#include <string>
#include <string_view>

namespace agentry::term {

class RustHighlighter {
 public:
  /// `line` with ANSI colours; remembers an open block comment or string for the next line.
  std::string line(std::string_view line);
  void reset() { in_block_comment_ = 0, in_string_ = false; }

 private:
  int in_block_comment_ = 0;  ///< nesting depth (Rust block comments nest)
  bool in_string_ = false;
};

}  // namespace agentry::term
