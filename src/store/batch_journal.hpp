#pragma once
/// The batch journal: the results file of `agentry batch`, one JSON object per line, one line
/// per finished task, append-only. It is what makes a batch resumable: a rerun reads it, skips
/// every (task id, task hash) already present and appends the rest.
///
/// Crash contract. A line counts only once its terminating '\n' is on disk: the writer puts the
/// whole line down in one append and returns only after an fsync that began after that write
/// (and, on the first append, fsyncs the directory too, so a newly created file survives a power
/// cut). Concurrent appends share fsyncs (group commit): one sync covers every line written
/// before it started, so -j 64 does not queue its results behind one fsync each. A kill mid-write
/// can leave an unterminated last line; the reader ignores it and the next writer cuts it off
/// before appending. So killing a batch at any moment and rerunning gives exactly one line per
/// task.
///
/// One writer per file: open() takes an exclusive flock(2) on it, so a second batch started on
/// the same results file fails fast instead of duplicating work. Shards write separate files.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace agentry::store {

/// What identifies a finished task: its id and a hash of its definition, so an edited task runs
/// again.
struct JournalKey {
  std::string task_id;
  std::string task_hash;
  auto operator<=>(const JournalKey&) const = default;
};

/// A stable 16-hex-digit hash (FNV-1a, 64 bits) of a task's JSON, keys sorted, for JournalKey.
/// Equal JSON values hash equal whatever the key order they were written in.
std::string task_hash(const nlohmann::json& task);

/// The durability calls the writer makes, behind an interface so tests can count and fail them.
class FileSyncer {
 public:
  virtual ~FileSyncer() = default;
  /// Makes the content of the open file `fd` durable.
  [[nodiscard]] virtual Result<void> sync_file(int fd, const std::filesystem::path& path) = 0;
  /// Makes the entries of `dir` durable (a newly created file's name).
  [[nodiscard]] virtual Result<void> sync_directory(const std::filesystem::path& dir) = 0;
};

/// fsync(2) on the file; open(O_DIRECTORY) + fsync(2) on the directory.
class PosixFileSyncer final : public FileSyncer {
 public:
  Result<void> sync_file(int fd, const std::filesystem::path& path) override;
  Result<void> sync_directory(const std::filesystem::path& dir) override;
};

/// Appends result lines. Thread-safe: batch workers may call append() concurrently.
class BatchJournalWriter {
 public:
  /// Opens `path` for appending, creating it (and no parent directories) when absent, locks it,
  /// and cuts off a torn last line. Errors: kIo, kUsage when another process holds the lock.
  [[nodiscard]] static Result<BatchJournalWriter> open(
      const std::filesystem::path& path,
      std::unique_ptr<FileSyncer> syncer = std::make_unique<PosixFileSyncer>());

  BatchJournalWriter(BatchJournalWriter&&) noexcept;
  BatchJournalWriter& operator=(BatchJournalWriter&&) noexcept;
  ~BatchJournalWriter();

  /// Writes `record` as one line and makes it durable before returning. `record` must be an
  /// object with string fields "id" and "task_hash" (kInternal otherwise). After a failed
  /// write or sync the writer refuses further appends: what reached the disk is unknown, and a
  /// rerun resumes from what the reader finds.
  [[nodiscard]] Result<void> append(const nlohmann::json& record);
  /// Writes `records` as lines in one write and makes them durable together (the batch's
  /// recorder hands over everything that finished while the previous sync ran). All must be
  /// valid, else nothing is written.
  [[nodiscard]] Result<void> append_all(std::span<const nlohmann::json> records);

  const std::filesystem::path& path() const;

 private:
  struct State;
  explicit BatchJournalWriter(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

/// A journal as read back.
struct BatchJournal {
  std::vector<nlohmann::json> records;  ///< every complete line, in file order
  std::set<JournalKey> finished;        ///< the keys of `records`
  bool torn_tail = false;               ///< an unterminated last line was ignored
  std::uint64_t complete_bytes = 0;     ///< length of the prefix made of complete lines

  /// The last record written for `key` (a later line supersedes an earlier one, as when
  /// failures are retried), or nullptr.
  const nlohmann::json* latest(const JournalKey& key) const;
};

/// Reads the journal at `path`; a missing file is an empty journal. Blank lines are skipped.
/// kParse error (path:line) for a complete line that is not an object with string "id" and
/// "task_hash": that is damage by hand, not by a crash, and guessing could run a task twice.
[[nodiscard]] Result<BatchJournal> read_batch_journal(const std::filesystem::path& path);

}  // namespace agentry::store
