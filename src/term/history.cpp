#include "term/history.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <unistd.h>

#include <fmt/format.h>

namespace agentry::term {

namespace fs = std::filesystem;

std::string escape_history_entry(std::string_view entry) {
  std::string out;
  out.reserve(entry.size());
  for (char c : entry) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c != '\r') {
      out.push_back(c);
    }
  }
  return out;
}

std::string unescape_history_entry(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size()) {
      ++i;
      out.push_back(line[i] == 'n' ? '\n' : line[i]);
    } else {
      out.push_back(line[i]);
    }
  }
  return out;
}

namespace {

Error io_error(const std::string& what, const fs::path& file) {
  return Error(ErrorCode::kIo, fmt::format("{}: {}", what, std::strerror(errno)), file.string(),
               "check the permissions of agentry's data directory (XDG_DATA_HOME)");
}

/// Rewrites the file with `entries` through a temporary file and a rename.
Result<void> rewrite(const fs::path& file, const std::vector<std::string>& entries) {
  fs::path temp = file;
  temp += fmt::format(".{}.tmp", ::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) return tl::make_unexpected(io_error("cannot write the history", temp));
    for (const auto& e : entries)
      out << escape_history_entry(e) << '\n';
    if (!out) return tl::make_unexpected(io_error("cannot write the history", temp));
  }
  std::error_code ec;
  fs::rename(temp, file, ec);
  if (ec) {
    fs::remove(temp, ec);
    return tl::make_unexpected(io_error("cannot replace the history", file));
  }
  return {};
}

}  // namespace

Result<History> History::load(const fs::path& file, std::size_t limit) {
  History h;
  h.file_ = file;
  h.limit_ = limit;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    if (fs::exists(file)) return tl::make_unexpected(io_error("cannot read the history", file));
    return h;
  }
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line);) {
    ++lines;
    if (line.empty()) continue;
    h.entries_.push_back(unescape_history_entry(line));
  }
  if (h.entries_.size() > limit) {
    h.entries_.erase(h.entries_.begin(),
                     h.entries_.begin() + static_cast<std::ptrdiff_t>(h.entries_.size() - limit));
  }
  if (lines > 2 * limit) {
    if (auto ok = rewrite(file, h.entries_); !ok) return tl::make_unexpected(ok.error());
  }
  h.walk_ = h.entries_.size();
  return h;
}

Result<void> History::add(std::string entry) {
  reset_walk();
  if (entry.find_first_not_of(" \t\r\n") == std::string::npos) return {};
  if (!entries_.empty() && entries_.back() == entry) return {};
  std::string line = escape_history_entry(entry) + '\n';
  entries_.push_back(std::move(entry));
  if (entries_.size() > limit_) entries_.erase(entries_.begin());
  walk_ = entries_.size();
  if (file_.empty()) return {};
  std::error_code ec;
  fs::create_directories(file_.parent_path(), ec);
  int fd = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return tl::make_unexpected(io_error("cannot open the history", file_));
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!ok) return tl::make_unexpected(io_error("cannot append to the history", file_));
  return {};
}

std::optional<std::string> History::previous(const std::string& draft) {
  if (walk_ == 0) return std::nullopt;
  if (walk_ == entries_.size()) draft_ = draft;
  --walk_;
  return entries_[walk_];
}

std::optional<std::string> History::next() {
  if (walk_ >= entries_.size()) return std::nullopt;
  ++walk_;
  return walk_ == entries_.size() ? draft_ : entries_[walk_];
}

void History::reset_walk() {
  walk_ = entries_.size();
  draft_.clear();
}

}  // namespace agentry::term
