#pragma once
/// Markdown for a terminal, one complete line at a time, so that a streamed answer is rendered
/// as its lines arrive: headings, bold, italics, inline code, links, lists, quotes, rules, and
/// fenced code blocks drawn in a frame (Rust highlighted). Without colour (NO_COLOR, not a
/// terminal) the text stays as written, which reads well as plain markdown, and only code
/// blocks get their frame. The input is already free of control sequences.
#include <string>
#include <string_view>
#include <vector>

#include "term/rust_highlight.hpp"

namespace agentry::term {

struct MarkdownStyle {
  bool color = false;
  int width = 80;  ///< terminal columns: frames are at most this wide (and at most 80)
};

class MarkdownRenderer {
 public:
  explicit MarkdownRenderer(MarkdownStyle style) : style_(style) {}

  /// The terminal rows for one complete source line (no trailing newline): usually one; a
  /// fence opening or closing a code block gives the frame's edge.
  std::vector<std::string> render_line(std::string_view line);
  /// Closes a code block the answer left open (the stream ended inside it).
  std::vector<std::string> finish();

  void set_width(int width) { style_.width = width; }
  bool in_code_block() const { return in_code_; }

 private:
  std::string inline_spans(std::string_view text) const;
  std::string frame_edge(bool top, std::string_view label) const;
  std::string dim(std::string_view text) const;

  MarkdownStyle style_;
  bool in_code_ = false;
  std::string fence_;       ///< the opening fence (``` or ~~~, possibly longer)
  std::size_t indent_ = 0;  ///< the fence's indentation, removed from its code lines
  bool rust_ = false;
  RustHighlighter highlighter_;
};

/// `text` with tabs expanded to the next multiple of 4 columns.
std::string expand_tabs(std::string_view text);

}  // namespace agentry::term
