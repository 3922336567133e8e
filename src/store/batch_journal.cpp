#include "store/batch_journal.hpp"

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <mutex>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

#include <fmt/format.h>

#include "core/json_depth.hpp"
#include "core/unique_fd.hpp"

namespace agentry::store {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

Error io_error(std::string_view what, const fs::path& path, int err, std::string hint = {}) {
  return Error(ErrorCode::kIo, fmt::format("{}: {}", what, std::strerror(err)), path.string(),
               std::move(hint));
}

/// Where the last complete line of the file ends (just past its '\n'); 0 when there is none.
Result<off_t> complete_prefix(int fd, off_t size, const fs::path& path) {
  constexpr off_t kChunk = 64 * 1024;
  char buffer[kChunk];
  off_t end = size;
  while (end > 0) {
    off_t start = std::max<off_t>(0, end - kChunk);
    auto want = static_cast<std::size_t>(end - start);
    ssize_t got = ::pread(fd, buffer, want, start);
    if (got < 0 && errno == EINTR) continue;
    if (got != static_cast<ssize_t>(want)) {
      return tl::make_unexpected(
          io_error("cannot read the results file", path, got < 0 ? errno : EIO));
    }
    for (off_t i = end - start; i > 0; --i) {
      if (buffer[i - 1] == '\n') return start + i;
    }
    end = start;
  }
  return 0;
}

bool has_string(const json& record, const char* field) {
  auto it = record.find(field);
  return it != record.end() && it->is_string();
}

}  // namespace

std::string task_hash(const json& task) {
  // nlohmann::json keeps object keys sorted, so dump() is canonical for equal values.
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : task.dump(-1, ' ', false, json::error_handler_t::replace)) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return fmt::format("{:016x}", hash);
}

Result<void> PosixFileSyncer::sync_file(int fd, const fs::path& path) {
  while (::fsync(fd) != 0) {
    if (errno != EINTR)
      return tl::make_unexpected(io_error("cannot fsync the results file", path, errno));
  }
  return {};
}

Result<void> PosixFileSyncer::sync_directory(const fs::path& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0)
    return tl::make_unexpected(io_error("cannot open the results directory", dir, errno));
  while (::fsync(fd.get()) != 0) {
    if (errno != EINTR)
      return tl::make_unexpected(io_error("cannot fsync the results directory", dir, errno));
  }
  return {};
}

struct BatchJournalWriter::State {
  fs::path path;
  UniqueFd fd;
  std::unique_ptr<FileSyncer> syncer;
  std::mutex mutex;
  std::condition_variable sync_done;
  off_t size = 0;     ///< bytes of complete lines in the file
  off_t durable = 0;  ///< of which this many are known to be on disk
  bool syncing = false;
  bool directory_synced = false;
  bool broken = false;
};

Result<BatchJournalWriter> BatchJournalWriter::open(const fs::path& path,
                                                    std::unique_ptr<FileSyncer> syncer) {
  auto state = std::make_unique<State>();
  state->path = path;
  state->syncer = std::move(syncer);
  state->fd = UniqueFd(::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  int fd = state->fd.get();
  if (fd < 0) {
    return tl::make_unexpected(io_error("cannot open the results file", path, errno,
                                        "check that its directory exists and is writable"));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return fail(ErrorCode::kUsage, "the results file is in use by another agentry batch",
                  path.string(), "wait for that batch to end, or give another --results file");
    }
    return tl::make_unexpected(io_error("cannot lock the results file", path, errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    return tl::make_unexpected(io_error("cannot stat the results file", path, errno));
  auto keep = complete_prefix(fd, st.st_size, path);
  if (!keep) return tl::make_unexpected(keep.error());
  if (*keep < st.st_size) {
    // A torn line from a killed writer: the reader already ignores it; remove it so the next
    // line does not get glued onto it.
    if (::ftruncate(fd, *keep) != 0) {
      return tl::make_unexpected(
          io_error("cannot cut the torn last line of the results file", path, errno));
    }
    auto synced = state->syncer->sync_file(fd, path);
    if (!synced) return tl::make_unexpected(synced.error());
  }
  state->size = *keep;
  state->durable = *keep;
  return BatchJournalWriter(std::move(state));
}

BatchJournalWriter::BatchJournalWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
BatchJournalWriter::BatchJournalWriter(BatchJournalWriter&&) noexcept = default;
BatchJournalWriter& BatchJournalWriter::operator=(BatchJournalWriter&&) noexcept = default;
BatchJournalWriter::~BatchJournalWriter() = default;

const fs::path& BatchJournalWriter::path() const {
  return state_->path;
}

Result<void> BatchJournalWriter::append(const json& record) {
  return append_all(std::span<const json>(&record, 1));
}

Result<void> BatchJournalWriter::append_all(std::span<const json> records) {
  std::string lines;
  for (const auto& record : records) {
    if (!record.is_object() || !has_string(record, "id") || !has_string(record, "task_hash")) {
      return fail(ErrorCode::kInternal,
                  "a batch result needs string fields \"id\" and \"task_hash\"",
                  state_->path.string());
    }
    lines += record.dump(-1, ' ', false, json::error_handler_t::replace);
    lines += '\n';
  }
  if (lines.empty()) return {};

  std::unique_lock lock(state_->mutex);
  State& s = *state_;
  if (s.broken) {
    return fail(ErrorCode::kIo, "the results file could not be written earlier in this run",
                s.path.string(), "rerun the batch: it resumes from the results on disk");
  }
  std::size_t written = 0;
  while (written < lines.size()) {
    ssize_t n = ::write(s.fd.get(), lines.data() + written, lines.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = n < 0 ? errno : EIO;
      // Take the partial lines back so the file stays a sequence of complete lines.
      if (::ftruncate(s.fd.get(), s.size) != 0) s.broken = true;
      return tl::make_unexpected(io_error("cannot write to the results file", s.path, err));
    }
    written += static_cast<std::size_t>(n);
  }
  s.size += static_cast<off_t>(lines.size());
  const off_t mine = s.size;

  // Group commit: an fsync makes durable every line written before it started. So whoever finds
  // no sync running starts one for everything written so far, and appends that arrive meanwhile
  // wait for the next one, which covers them all: one fsync per wave of finished tasks instead of
  // one per task, each caller still returning only once its own line is on disk.
  while (s.durable < mine) {
    if (s.broken) {
      return fail(ErrorCode::kIo, "the results file could not be made durable", s.path.string(),
                  "rerun the batch: it resumes from the results on disk");
    }
    if (s.syncing) {
      s.sync_done.wait(lock);
      continue;
    }
    s.syncing = true;
    const off_t covered = s.size;
    lock.unlock();
    auto synced = s.syncer->sync_file(s.fd.get(), s.path);
    if (synced && !s.directory_synced) {
      fs::path dir = s.path.parent_path().empty() ? fs::path(".") : s.path.parent_path();
      synced = s.syncer->sync_directory(dir);
      s.directory_synced = static_cast<bool>(synced);  // only the one syncing touches it
    }
    lock.lock();
    s.syncing = false;
    s.sync_done.notify_all();
    if (!synced) {
      s.broken = true;
      return synced;
    }
    s.durable = std::max(s.durable, covered);
  }
  return {};
}

const json* BatchJournal::latest(const JournalKey& key) const {
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    if ((*it)["id"] == key.task_id && (*it)["task_hash"] == key.task_hash) return &*it;
  }
  return nullptr;
}

Result<BatchJournal> read_batch_journal(const fs::path& path) {
  BatchJournal journal;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    if (ec) return tl::make_unexpected(io_error("cannot read the results file", path, ec.value()));
    return journal;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return tl::make_unexpected(io_error("cannot read the results file", path, errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();

  std::size_t start = 0;
  std::size_t line_number = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      journal.torn_tail = true;  // a kill mid-write; the task is simply not finished
      break;
    }
    ++line_number;
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    journal.complete_bytes = start;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    json record =
        json_too_deep(line) ? json(json::value_t::discarded) : json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.is_object() || !has_string(record, "id") ||
        !has_string(record, "task_hash")) {
      return fail(ErrorCode::kParse,
                  "not a batch result (a JSON object with string \"id\" and \"task_hash\")",
                  fmt::format("{}:{}", path.string(), line_number),
                  "fix or delete that line; its task then runs again");
    }
    journal.finished.insert(
        {record["id"].get<std::string>(), record["task_hash"].get<std::string>()});
    journal.records.push_back(std::move(record));
  }
  return journal;
}

}  // namespace agentry::store
