#include "cli/mcp/line_reader.hpp"

#include <algorithm>

namespace agentry::cli::mcp {

namespace {

constexpr std::streamsize kChunk = 64 * 1024;

void strip_cr(std::string& line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
}

}  // namespace

LineReader::LineReader(std::istream& in, std::size_t max_bytes)
    : buf_(in.rdbuf()), max_(max_bytes) {}

bool LineReader::fill() {
  if (buf_ == nullptr || buf_->sgetc() == std::streambuf::traits_type::eof()) return false;
  // Only what is already buffered: asking for more would block until the peer sends it.
  std::streamsize want = std::clamp<std::streamsize>(buf_->in_avail(), 1, kChunk);
  std::size_t old = pending_.size();
  pending_.resize(old + static_cast<std::size_t>(want));
  std::streamsize got = buf_->sgetn(pending_.data() + old, want);
  pending_.resize(old + static_cast<std::size_t>(std::max<std::streamsize>(got, 0)));
  return got > 0;
}

LineStatus LineReader::next(std::string& line) {
  bool skipping = false;
  for (;;) {
    std::size_t newline = pending_.find('\n', std::max(scanned_, start_));
    if (newline != std::string::npos) {
      bool too_long = skipping || newline - start_ > max_;
      if (!too_long) line.assign(pending_, start_, newline - start_);
      start_ = scanned_ = newline + 1;
      if (too_long) return LineStatus::kTooLong;
      strip_cr(line);
      return LineStatus::kLine;
    }
    // Drop what was consumed before reading more, so the buffer stays near one line's size.
    pending_.erase(0, start_);
    start_ = 0;
    if (pending_.size() > max_) {
      skipping = true;
      pending_.clear();
    }
    scanned_ = pending_.size();
    if (!fill()) {
      scanned_ = 0;
      if (skipping) return LineStatus::kTooLong;
      if (pending_.empty()) return LineStatus::kEnd;
      line = std::move(pending_);
      pending_.clear();
      strip_cr(line);
      return LineStatus::kLine;
    }
  }
}

}  // namespace agentry::cli::mcp
