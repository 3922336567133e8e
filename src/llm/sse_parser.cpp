#include "llm/sse_parser.hpp"

#include <cstring>

namespace agentry::llm {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool all_digits(std::string_view s) {
  if (s.empty() || s.size() > 18) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

void SseParser::feed(std::string_view bytes, const Handler& on_event) {
  if (!bom_checked_) {
    // The BOM may itself arrive split, so hold the first bytes until three are known.
    line_.append(bytes);
    if (line_.size() < kBom.size() && kBom.starts_with(line_)) return;
    bom_checked_ = true;
    std::string head;
    head.swap(line_);
    std::string_view rest(head);
    if (rest.starts_with(kBom)) rest.remove_prefix(kBom.size());
    feed_lines(rest, on_event);
    return;
  }
  feed_lines(bytes, on_event);
}

void SseParser::feed_lines(std::string_view bytes, const Handler& on_event) {
  bytes_seen_ += bytes.size();
  const char* p = bytes.data();
  std::size_t n = bytes.size();
  std::size_t pos = 0;
  if (skip_lf_ && n > 0) {
    if (p[0] == '\n') pos = 1;
    skip_lf_ = false;
  }
  while (pos < n) {
    const char* start = p + pos;
    std::size_t left = n - pos;
    const auto* lf = static_cast<const char*>(std::memchr(start, '\n', left));
    std::size_t span = lf != nullptr ? static_cast<std::size_t>(lf - start) : left;
    const auto* cr = static_cast<const char*>(std::memchr(start, '\r', span));
    const char* eol = cr != nullptr ? cr : lf;
    if (eol == nullptr) {
      line_.append(start, left);
      return;
    }
    std::string_view segment(start, static_cast<std::size_t>(eol - start));
    if (line_.empty()) {
      process_line(segment, on_event);
    } else {
      line_.append(segment);
      process_line(line_, on_event);
      line_.clear();
    }
    pos = static_cast<std::size_t>(eol - p) + 1;
    if (*eol == '\r') {
      if (pos < n) {
        if (p[pos] == '\n') ++pos;
      } else {
        skip_lf_ = true;
      }
    }
  }
}

void SseParser::process_line(std::string_view line, const Handler& on_event) {
  if (line.empty()) {
    dispatch(on_event);
    return;
  }
  if (line.front() == ':') return;
  std::string_view field = line;
  std::string_view value;
  if (auto colon = line.find(':'); colon != std::string_view::npos) {
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    data_.append(value);
    data_.push_back('\n');
  } else if (field == "event") {
    type_.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) event_.id.assign(value);
  } else if (field == "retry") {
    if (all_digits(value)) retry_ms_ = std::stoll(std::string(value));
  }
}

void SseParser::dispatch(const Handler& on_event) {
  if (data_.empty()) {
    type_.clear();
    return;
  }
  data_.pop_back();
  if (type_.empty()) {
    event_.type.assign("message");
  } else {
    event_.type.swap(type_);
  }
  event_.data.swap(data_);
  on_event(event_);
  event_.data.swap(data_);
  data_.clear();
  type_.clear();
}

void SseParser::finish() {
  line_.clear();
  data_.clear();
  type_.clear();
  skip_lf_ = false;
  bom_checked_ = false;
}

}  // namespace agentry::llm
