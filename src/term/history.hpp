#pragma once
/// The prompt's history: kept in user_data_dir/history so that it survives restarts, one entry
/// per line with `\` and newlines escaped (multi-line entries stay one line). Each entry is
/// appended as it is submitted (O_APPEND), so two chats running at once both keep theirs; the
/// file is cut back to the newest `limit` entries when it grows past twice that.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace agentry::term {

/// "a\nb\\c" -> "a\\nb\\\\c" and back: one entry per file line.
std::string escape_history_entry(std::string_view entry);
std::string unescape_history_entry(std::string_view line);

class History {
 public:
  /// An empty history that is not saved (tests, no data dir).
  History() = default;
  /// Reads `file` (a missing file is an empty history). Unreadable files are an error.
  [[nodiscard]] static Result<History> load(const std::filesystem::path& file,
                                            std::size_t limit = 1000);

  const std::vector<std::string>& entries() const { return entries_; }

  /// Adds a submitted entry (blank ones and repeats of the last are skipped) and appends it to
  /// the file. The entry is kept in memory even when the file cannot be written.
  [[nodiscard]] Result<void> add(std::string entry);

  /// Walking the history from the prompt: `previous` saves `draft` (what was being typed) on
  /// the first step back; `next` returns to it after the newest entry. nullopt: nothing further.
  std::optional<std::string> previous(const std::string& draft);
  std::optional<std::string> next();
  /// Back to the draft position (after a submit).
  void reset_walk();

 private:
  std::filesystem::path file_;
  std::size_t limit_ = 1000;
  std::vector<std::string> entries_;
  std::size_t walk_ = 0;  ///< entries_.size(): at the draft
  std::string draft_;
};

}  // namespace agentry::term
