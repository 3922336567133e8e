#pragma once
/// Turns the bytes a terminal sends in raw mode into editing keys: control characters, CSI and
/// SS3 sequences (arrows, Home/End, Delete, Ctrl/Alt+arrows), Alt-Enter (ESC CR) and bracketed
/// paste (ESC[200~ … ESC[201~), whose content arrives as one key so that pasted newlines never
/// submit. Pure: the editor feeds it what read() returned.
#include <string>
#include <string_view>
#include <vector>

namespace agentry::term {

enum class KeyCode {
  kText,     ///< printable text (UTF-8), in `Key::text`
  kPaste,    ///< a bracketed paste, newlines as '\n', in `Key::text`
  kEnter,    ///< submit
  kNewline,  ///< Alt-Enter / Shift-Enter: a newline in the input
  kTab,
  kBackspace,
  kDelete,
  kLeft,
  kRight,
  kUp,
  kDown,
  kHome,
  kEnd,
  kWordLeft,
  kWordRight,
  kKillToEnd,    ///< Ctrl-K
  kKillToStart,  ///< Ctrl-U
  kKillWord,     ///< Ctrl-W, Alt-Backspace
  kYank,         ///< Ctrl-Y
  kInterrupt,    ///< Ctrl-C
  kEof,          ///< Ctrl-D
  kClearScreen,  ///< Ctrl-L
  kSuspend,      ///< Ctrl-Z
  kEscape,       ///< a lone ESC
  kUnknown,      ///< anything else (ignored)
};

struct Key {
  KeyCode code = KeyCode::kUnknown;
  std::string text;
  bool operator==(const Key&) const = default;
};

class KeyDecoder {
 public:
  /// Adds bytes and returns every key they complete. An ESC at the end (or an unfinished
  /// sequence or UTF-8 character) waits for more bytes.
  std::vector<Key> feed(std::string_view bytes);
  /// True while bytes are held back (the editor then waits briefly before calling flush()).
  bool pending() const { return !buffer_.empty() && !in_paste_; }
  /// Gives up waiting: a held-back ESC becomes kEscape, other partial bytes are dropped.
  std::vector<Key> flush();

 private:
  /// Decodes one key from the front of buffer_; false when more bytes are needed.
  bool decode_one(std::vector<Key>& out);
  bool decode_escape(std::vector<Key>& out);
  void finish_paste(std::vector<Key>& out);

  std::string buffer_;
  bool in_paste_ = false;
  std::string paste_;
};

}  // namespace agentry::term
