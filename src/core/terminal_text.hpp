#pragma once
/// Text from the model, a tool or a stored session, made safe to show on a terminal. What a model
/// writes (or a crate's file, test output or README makes it write) must not drive the terminal:
/// an escape sequence could write the clipboard (OSC 52), retitle the window, clear the screen,
/// move the cursor to rewrite lines already shown (an approval prompt's), or reset the terminal;
/// a bidi override could reorder what a line seems to say ("Trojan Source").
///
/// What passes: printable UTF-8, newline and tab. What changes:
///   - escape sequences (ESC or their 8-bit C1 forms: CSI, OSC, DCS, SOS, PM, APC; a string
///     sequence ends at BEL, ST or the end of its line) are dropped whole;
///   - other C1 controls (U+0080–U+009F) and the bidi embeddings, overrides and isolates
///     (U+202A–U+202E, U+2066–U+2069) are dropped;
///   - a carriage return becomes a newline (CRLF one newline), so it cannot rewrite its line;
///   - other C0 controls and DEL are shown in caret form (`^G`, `^H`, `^?`);
///   - invalid UTF-8 (a lone 0x9B included, which 8-bit terminals read as CSI) becomes U+FFFD.
/// JSON outputs need none of this: JSON escapes every control character.
#include <cstdint>
#include <string>
#include <string_view>

namespace agentry {

/// The rules above for text that arrives in pieces (a model's streamed answer): an escape
/// sequence or a UTF-8 character cut between two pieces is recognised whole.
class TerminalTextFilter {
 public:
  /// `one_line`: newline, carriage return and tab are shown as `\n`, `\r` and `\t`, so the text
  /// stays on the line it is printed on (what an approval prompt names).
  explicit TerminalTextFilter(bool one_line = false) : one_line_(one_line) {}

  /// The safe text of `chunk`; the part of a character still incomplete is held back.
  std::string feed(std::string_view chunk);
  /// The end of the stream: a character left incomplete becomes U+FFFD, an escape sequence left
  /// open is dropped. The filter then starts afresh.
  std::string finish();

 private:
  enum class State { kText, kEscape, kEscapeIntermediate, kCsi, kString, kStringEscape };

  void byte(unsigned char b, std::string& out);
  void code_point(char32_t cp, std::string_view raw, std::string& out);
  void text(char32_t cp, std::string_view raw, std::string& out);

  bool one_line_;
  State state_ = State::kText;
  bool after_cr_ = false;     ///< a CR was shown as a newline: an LF right after it is dropped
  std::string partial_;       ///< the bytes so far of an incomplete UTF-8 character
  int needed_ = 0;            ///< continuation bytes it still needs
  char32_t cp_ = 0;           ///< its code point so far
  unsigned char low_ = 0x80;  ///< the range the next continuation byte must be in
  unsigned char high_ = 0xBF;
};

/// `text` made safe for a terminal, whole.
std::string terminal_safe(std::string_view text);
/// `text` made safe and kept on one line (TerminalTextFilter's `one_line`).
std::string terminal_safe_line(std::string_view text);

}  // namespace agentry
