#pragma once
/// Reading a file's lines through its descriptor in fixed chunks, with two bounds: at most
/// `keep` bytes of any line are kept (the rest is counted, not stored) and at most `max_bytes`
/// of the file are read in all. A 2 GiB line, or a 2 GiB sparse hole, costs one chunk of
/// memory and stops at the byte bound instead of being read whole.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace agentry::tools {

/// One line as read_file and edit_file show it: its number, a tab, the text and a newline. The
/// number is not padded (as Claude Code's Read shows it): padding to six places cost a tenth of
/// every file read, in every later prompt of the session.
std::string numbered_line(long long line_no, std::string_view text);

struct ScannedLine {
  std::string text;         ///< the line's first `keep` bytes, without its newline
  std::uint64_t bytes = 0;  ///< the line's whole length, without its newline
};

class LineScan {
 public:
  /// `fd` stays the caller's; reading starts at its current offset.
  LineScan(int fd, std::size_t keep, std::uint64_t max_bytes);

  /// The next line; false at the end of the file, on a read error or once max_bytes were
  /// read (then `stopped_early()`; a line cut by the bound is still returned first).
  bool next(ScannedLine& line);

  /// Reading stopped at max_bytes, before the end of the file.
  bool stopped_early() const { return stopped_early_; }
  /// A read failed (errno in error()).
  int error() const { return error_; }
  std::uint64_t bytes_read() const { return read_; }

 private:
  bool fill();

  int fd_;
  std::size_t keep_;
  std::uint64_t max_;
  std::vector<char> buf_;
  std::size_t pos_ = 0;
  std::size_t len_ = 0;
  std::uint64_t read_ = 0;
  bool eof_ = false;
  bool stopped_early_ = false;
  int error_ = 0;
};

}  // namespace agentry::tools
