#include "tools/line_scan.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace agentry::tools {

std::string numbered_line(long long line_no, std::string_view text) {
  std::string out = std::to_string(line_no);
  out += '\t';
  out += text;
  out += '\n';
  return out;
}

namespace {
constexpr std::size_t kChunk = 64 * 1024;
}

LineScan::LineScan(int fd, std::size_t keep, std::uint64_t max_bytes)
    : fd_(fd), keep_(keep), max_(max_bytes), buf_(kChunk) {}

bool LineScan::fill() {
  pos_ = len_ = 0;
  if (eof_) return false;
  if (read_ >= max_) {
    stopped_early_ = true;
    eof_ = true;
    return false;
  }
  std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, max_ - read_));
  for (;;) {
    ssize_t n = ::read(fd_, buf_.data(), want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) error_ = errno;
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    len_ = static_cast<std::size_t>(n);
    read_ += len_;
    return true;
  }
}

bool LineScan::next(ScannedLine& line) {
  line.text.clear();
  line.bytes = 0;
  bool any = false;
  for (;;) {
    if (pos_ == len_ && !fill()) return any;
    any = true;
    const char* start = buf_.data() + pos_;
    std::size_t avail = len_ - pos_;
    const void* nl = std::memchr(start, '\n', avail);
    std::size_t take =
        nl != nullptr ? static_cast<std::size_t>(static_cast<const char*>(nl) - start) : avail;
    if (line.text.size() < keep_) line.text.append(start, std::min(take, keep_ - line.text.size()));
    line.bytes += take;
    pos_ += take;
    if (nl != nullptr) {
      ++pos_;
      return true;
    }
  }
}

}  // namespace agentry::tools
