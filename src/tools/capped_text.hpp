#pragma once
/// Bounding text handed to a model: keep the head and the tail, mark the cut with the number of
/// bytes dropped, and make sure what is kept is valid UTF-8 (JSON encoders reject anything else).
#include <cstddef>
#include <string>
#include <string_view>

namespace agentry::tools {

/// Collects a stream of unknown size in bounded memory: the first cap/2 bytes and the last
/// cap - cap/2 bytes are kept; everything between is counted, not stored.
class CappedBuffer {
 public:
  explicit CappedBuffer(std::size_t cap);

  void append(std::string_view data);
  /// Bytes appended so far.
  std::size_t total() const { return total_; }
  /// Bytes that text() leaves out.
  std::size_t dropped() const;
  /// Head, a cut marker when something was dropped, then the tail.
  std::string text() const;

 private:
  std::size_t head_cap_;
  std::size_t tail_cap_;
  std::size_t total_ = 0;
  std::string head_;
  std::string tail_;  ///< holds up to 2 * tail_cap_ bytes; only the last tail_cap_ count
};

/// The marker put where bytes were cut: "[... 1234 bytes cut ...]" on its own line.
std::string cut_marker(std::size_t dropped);

/// `text` unchanged when it fits `cap` bytes; else its head and tail around a cut marker, the
/// whole no longer than `cap` (plus the marker).
std::string cap_text(std::string_view text, std::size_t cap);

/// `text` with every invalid UTF-8 sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view text);

}  // namespace agentry::tools
