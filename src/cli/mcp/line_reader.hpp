#pragma once
/// Splits a byte stream into newline-delimited lines with a size cap, as the MCP stdio transport
/// frames messages. A line over the cap is skipped up to its newline and reported, so one huge
/// message costs an error reply instead of unbounded memory.
#include <cstddef>
#include <istream>
#include <string>

namespace agentry::cli::mcp {

enum class LineStatus {
  kLine,     ///< `line` holds the next line, without its `\n` (and one trailing `\r`)
  kTooLong,  ///< a line longer than the cap was skipped
  kEnd,      ///< end of input
};

class LineReader {
 public:
  LineReader(std::istream& in, std::size_t max_bytes);

  /// Blocks until a whole line, a skipped over-long line or the end of input. The last line
  /// may lack its newline.
  LineStatus next(std::string& line);

 private:
  /// Appends what the stream has (at least one byte, blocking); false at end of input.
  bool fill();

  std::streambuf* buf_;
  std::size_t max_;
  std::string pending_;
  std::size_t start_ = 0;    ///< where the unread part of pending_ begins
  std::size_t scanned_ = 0;  ///< pending_ up to here holds no newline after start_
};

}  // namespace agentry::cli::mcp
