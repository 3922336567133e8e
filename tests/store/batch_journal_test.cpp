#include "store/batch_journal.hpp"

#include <atomic>
#include <condition_variable>
#include <fcntl.h>
#include <future>
#include <mutex>
#include <set>
#include <sys/stat.h>
#include <thread>

#include <doctest/doctest.h>

#include "store/child_process.hpp"
#include "support/temp_dir.hpp"

namespace agentry::store {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::fork_child;
using test::Pipe;
using test::wait_child;

/// Counts the durability calls and fails them on demand.
struct SyncLog {
  int file_syncs = 0;
  std::vector<fs::path> directory_syncs;
  bool fail_file = false;
};

class FakeSyncer final : public FileSyncer {
 public:
  explicit FakeSyncer(SyncLog& log) : log_(log) {}
  Result<void> sync_file(int, const fs::path& path) override {
    ++log_.file_syncs;
    if (log_.fail_file) return fail(ErrorCode::kIo, "fsync failed", path.string());
    return {};
  }
  Result<void> sync_directory(const fs::path& dir) override {
    log_.directory_syncs.push_back(dir);
    return {};
  }

 private:
  SyncLog& log_;
};

/// Holds the first fsync until released; records how many bytes each fsync covers.
class GatedSyncer final : public FileSyncer {
 public:
  Result<void> sync_file(int fd, const fs::path&) override {
    struct stat st {};
    ::fstat(fd, &st);
    std::unique_lock lock(mu_);
    covered_.push_back(st.st_size);
    if (covered_.size() == 1) {
      entered_.set_value();
      cv_.wait(lock, [&] { return open_; });
    }
    return {};
  }
  Result<void> sync_directory(const fs::path&) override { return {}; }

  std::future<void> entered() { return entered_.get_future(); }
  void open_gate() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  std::vector<off_t> covered() {
    std::lock_guard lock(mu_);
    return covered_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  std::promise<void> entered_;
  std::vector<off_t> covered_;
};

BatchJournalWriter open_writer(const fs::path& path, SyncLog& log) {
  auto writer = BatchJournalWriter::open(path, std::make_unique<FakeSyncer>(log));
  REQUIRE_MESSAGE(writer, (writer ? "" : writer.error().to_string()));
  return std::move(*writer);
}

json result(const std::string& id, const std::string& status = "ok") {
  return {{"id", id}, {"task_hash", "h-" + id}, {"status", status}};
}

// Built with += because g++ 12 -O3 warns falsely (-Wrestrict) on "t" + std::to_string(i).
std::string task_id(int i) {
  std::string id = "t";
  id += std::to_string(i);
  return id;
}

BatchJournal read(const fs::path& path) {
  auto journal = read_batch_journal(path);
  REQUIRE_MESSAGE(journal, (journal ? "" : journal.error().to_string()));
  return std::move(*journal);
}

}  // namespace

TEST_CASE("task hashes are stable and ignore key order") {
  CHECK(task_hash(json::parse(R"({"id":"t1","prompt":"fix"})")) == "98c44a0a0671a80c");
  CHECK(task_hash(json::parse(R"({"prompt":"fix","id":"t1"})")) == "98c44a0a0671a80c");
  CHECK(task_hash(json::parse(R"({"prompt":"fix!","id":"t1"})")) != "98c44a0a0671a80c");
}

TEST_CASE("each append is one synced line, the directory is synced once") {
  testing::TempDir dir;
  SyncLog log;
  auto path = dir.path() / "results.jsonl";
  {
    auto writer = open_writer(path, log);
    CHECK(log.file_syncs == 0);
    REQUIRE(writer.append(result("t1")));
    CHECK(log.file_syncs == 1);
    CHECK(log.directory_syncs == std::vector<fs::path>{dir.path()});
    REQUIRE(writer.append(result("t2", "failed")));
    REQUIRE(writer.append(json{{"id", "t3"}, {"task_hash", "h"}, {"answer", "line\nbreak"}}));
    CHECK(log.file_syncs == 3);
    CHECK(log.directory_syncs.size() == 1);
  }
  CHECK(testing::read_file(path) ==
        "{\"id\":\"t1\",\"status\":\"ok\",\"task_hash\":\"h-t1\"}\n"
        "{\"id\":\"t2\",\"status\":\"failed\",\"task_hash\":\"h-t2\"}\n"
        "{\"answer\":\"line\\nbreak\",\"id\":\"t3\",\"task_hash\":\"h\"}\n");

  auto journal = read(path);
  CHECK(journal.records.size() == 3);
  CHECK(journal.records[1] == result("t2", "failed"));
  CHECK(journal.finished == std::set<JournalKey>{{"t1", "h-t1"}, {"t2", "h-t2"}, {"t3", "h"}});
  CHECK_FALSE(journal.torn_tail);
  CHECK(journal.complete_bytes == fs::file_size(path));

  // A second writer appends after what is there.
  auto writer = open_writer(path, log);
  REQUIRE(writer.append(result("t4")));
  CHECK(read(path).records.size() == 4);
}

TEST_CASE("a torn last line is ignored by the reader and cut off by the next writer") {
  testing::TempDir dir;
  std::string complete =
      "{\"id\":\"t1\",\"task_hash\":\"h-t1\"}\n{\"id\":\"t2\",\"task_hash\":\"h-t2\"}\n";
  auto path = dir.write("results.jsonl", complete + "{\"id\":\"t3\",\"task_ha");

  auto journal = read(path);
  CHECK(journal.torn_tail);
  CHECK(journal.complete_bytes == complete.size());
  CHECK(journal.finished == std::set<JournalKey>{{"t1", "h-t1"}, {"t2", "h-t2"}});

  SyncLog log;
  auto writer = open_writer(path, log);
  CHECK(log.file_syncs == 1);  // the cut is made durable before anything else
  CHECK(testing::read_file(path) == complete);
  REQUIRE(writer.append(result("t3")));
  CHECK(testing::read_file(path) ==
        complete + "{\"id\":\"t3\",\"status\":\"ok\",\"task_hash\":\"h-t3\"}\n");
  auto after = read(path);
  CHECK_FALSE(after.torn_tail);
  CHECK(after.finished.size() == 3);
}

TEST_CASE("an unterminated last line counts as torn even when it parses") {
  testing::TempDir dir;
  auto path = dir.write("r.jsonl", "{\"id\":\"t1\",\"task_hash\":\"h\"}");
  auto journal = read(path);
  CHECK(journal.torn_tail);
  CHECK(journal.records.empty());
  CHECK(journal.complete_bytes == 0);
  SyncLog log;
  auto writer = open_writer(path, log);
  CHECK(fs::file_size(path) == 0);
}

TEST_CASE("a file with only a torn line longer than the read chunk is cut to nothing") {
  testing::TempDir dir;
  std::string big =
      "{\"id\":\"t1\",\"task_hash\":\"h\",\"x\":\"" + std::string(200000, 'a') + "\"}\n";
  auto path = dir.write("r.jsonl", big + std::string(150000, 'b'));
  SyncLog log;
  auto writer = open_writer(path, log);
  CHECK(fs::file_size(path) == big.size());
  CHECK(read(path).records.size() == 1);
}

TEST_CASE("a missing journal is empty, blank lines are skipped") {
  testing::TempDir dir;
  auto none = read(dir.path() / "absent.jsonl");
  CHECK(none.records.empty());
  CHECK_FALSE(none.torn_tail);
  auto path = dir.write("r.jsonl", "\n{\"id\":\"a\",\"task_hash\":\"1\"}\n  \n");
  CHECK(read(path).finished == std::set<JournalKey>{{"a", "1"}});
}

TEST_CASE("a damaged complete line is an error naming file and line") {
  testing::TempDir dir;
  auto path = dir.write(
      "r.jsonl",
      "{\"id\":\"a\",\"task_hash\":\"1\"}\nnot json\n{\"id\":\"b\",\"task_hash\":\"2\"}\n");
  auto journal = read_batch_journal(path);
  REQUIRE_FALSE(journal);
  CHECK(journal.error().code == ErrorCode::kParse);
  CHECK(journal.error().where == path.string() + ":2");
  CHECK(journal.error().hint == "fix or delete that line; its task then runs again");

  auto no_hash = dir.write("s.jsonl", "{\"id\":\"a\"}\n");
  REQUIRE_FALSE(read_batch_journal(no_hash));
}

TEST_CASE("a retried task's later line supersedes the earlier one") {
  testing::TempDir dir;
  SyncLog log;
  auto path = dir.path() / "r.jsonl";
  auto writer = open_writer(path, log);
  REQUIRE(writer.append(result("t1", "failed")));
  REQUIRE(writer.append(result("t2")));
  REQUIRE(writer.append(result("t1", "ok")));
  auto journal = read(path);
  CHECK(journal.finished.size() == 2);
  REQUIRE(journal.latest({"t1", "h-t1"}) != nullptr);
  CHECK((*journal.latest({"t1", "h-t1"}))["status"] == "ok");
  CHECK(journal.latest({"t1", "other-hash"}) == nullptr);
}

TEST_CASE("a record without id and task_hash is refused and nothing is written") {
  testing::TempDir dir;
  SyncLog log;
  auto path = dir.path() / "r.jsonl";
  auto writer = open_writer(path, log);
  auto refused = writer.append(json{{"id", "t1"}});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::kInternal);
  CHECK_FALSE(writer.append(json{{"id", 3}, {"task_hash", "h"}}));
  CHECK_FALSE(writer.append(json::array()));
  CHECK(fs::file_size(path) == 0);
  CHECK(log.file_syncs == 0);
}

TEST_CASE("several records in one append are one write and one fsync, or none if one is bad") {
  testing::TempDir dir;
  SyncLog log;
  auto path = dir.path() / "r.jsonl";
  auto writer = open_writer(path, log);
  std::vector<json> three{result("a"), result("b"), result("c")};
  REQUIRE(writer.append_all(three));
  CHECK(log.file_syncs == 1);
  std::vector<json> one_bad{result("d"), json{{"id", "e"}}};
  CHECK_FALSE(writer.append_all(one_bad));
  CHECK(log.file_syncs == 1);
  auto journal = read(path);
  REQUIRE(journal.records.size() == 3);
  CHECK(journal.records[2] == result("c"));
}

TEST_CASE("after a failed fsync the writer refuses further appends") {
  testing::TempDir dir;
  SyncLog log;
  auto path = dir.path() / "r.jsonl";
  auto writer = open_writer(path, log);
  log.fail_file = true;
  auto failed = writer.append(result("t1"));
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message == "fsync failed");
  log.fail_file = false;
  auto refused = writer.append(result("t2"));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message == "the results file could not be written earlier in this run");
  CHECK(refused.error().hint == "rerun the batch: it resumes from the results on disk");
  CHECK(log.file_syncs == 1);
}

TEST_CASE("concurrent appends share an fsync, and none returns before its line is synced") {
  testing::TempDir dir;
  auto path = dir.path() / "r.jsonl";
  auto syncer = std::make_unique<GatedSyncer>();
  GatedSyncer& gate = *syncer;
  auto opened = BatchJournalWriter::open(path, std::move(syncer));
  REQUIRE(opened);
  BatchJournalWriter& writer = *opened;
  auto entered = gate.entered();
  std::atomic<int> returned{0};
  std::vector<std::jthread> threads;
  threads.emplace_back([&] {
    CHECK(writer.append(result("first")));
    ++returned;
  });
  entered.wait();  // the first line's fsync is running (held at the gate)
  constexpr int kOthers = 7;
  for (int i = 0; i < kOthers; ++i) {
    threads.emplace_back([&, i] {
      CHECK(writer.append(result(task_id(i))));
      ++returned;
    });
  }
  // Wait until the others have written their lines (they then wait for a sync). A writer that
  // held its lock through the fsync would never let them: give up after a while rather than hang.
  auto full = static_cast<off_t>(result("first").dump().size() + 1);
  for (int i = 0; i < kOthers; ++i)
    full += static_cast<off_t>(result(task_id(i)).dump().size() + 1);
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (static_cast<off_t>(fs::file_size(path)) < full &&
         std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  CHECK(static_cast<off_t>(fs::file_size(path)) == full);
  CHECK(returned == 0);  // written is not durable: nobody may return yet
  gate.open_gate();
  threads.clear();
  CHECK(returned == kOthers + 1);
  // One fsync for the first line, one for the seven written while it ran.
  auto covered = gate.covered();
  REQUIRE(covered.size() == 2);
  CHECK(covered[0] == static_cast<off_t>(result("first").dump().size() + 1));
  CHECK(covered[1] == full);
  CHECK(read(path).records.size() == kOthers + 1);
}

TEST_CASE("the real syncer fsyncs files and directories and reports what it cannot open") {
  testing::TempDir dir;
  auto path = dir.path() / "r.jsonl";
  {
    auto writer = BatchJournalWriter::open(path);
    REQUIRE(writer);
    REQUIRE(writer->append(result("t1")));
    REQUIRE(writer->append(result("t2")));
  }
  CHECK(read(path).records.size() == 2);

  PosixFileSyncer syncer;
  CHECK(syncer.sync_directory(dir.path()));
  auto missing = syncer.sync_directory(dir.path() / "missing");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::kIo);
  CHECK(missing.error().message == "cannot open the results directory: No such file or directory");
  CHECK(missing.error().where == (dir.path() / "missing").string());
  auto bad_fd = syncer.sync_file(-1, path);
  REQUIRE_FALSE(bad_fd);
  CHECK(bad_fd.error().message == "cannot fsync the results file: Bad file descriptor");
}

TEST_CASE("only one writer at a time holds a results file") {
  testing::TempDir dir;
  auto path = dir.path() / "r.jsonl";
  {
    auto first = BatchJournalWriter::open(path);
    REQUIRE(first);
    auto second = BatchJournalWriter::open(path);
    REQUIRE_FALSE(second);
    CHECK(second.error().code == ErrorCode::kUsage);
    CHECK(second.error().message == "the results file is in use by another agentry batch");
    CHECK(second.error().where == path.string());
  }
  CHECK(BatchJournalWriter::open(path));
}

TEST_CASE("SIGKILL at any moment, then resume: exactly one result per task") {
  testing::TempDir dir;
  auto path = dir.path() / "results.jsonl";
  constexpr int kTasks = 60;
  // A batch: runs every task not yet in the journal, in order, writing a large result for each.
  // With `tear_after` set it dies like a kill in the middle of write(2) after that many results:
  // half a line, then SIGKILL. (A real SIGKILL rarely lands inside one write(2) of a line.)
  auto run_batch = [&](const Pipe* progress, int tear_after) {
    auto journal = read_batch_journal(path);
    if (!journal) return 3;
    auto writer = BatchJournalWriter::open(path);
    if (!writer) return 4;
    int written = 0;
    for (int i = 0; i < kTasks; ++i) {
      std::string id = task_id(i);
      if (journal->finished.count({id, "h-" + id}) != 0) continue;
      json record = result(id);
      record["answer"] = std::string(static_cast<std::size_t>(20000 + i * 1000), 'a');
      if (written == tear_after) {
        std::string line = record.dump();
        int fd = ::open(path.c_str(), O_WRONLY | O_APPEND);
        if (::write(fd, line.data(), line.size() / 2) < 0) return 6;
        ::raise(SIGKILL);
      }
      if (!writer->append(record)) return 5;
      ++written;
      if (progress != nullptr) progress->write_byte();
    }
    return 0;
  };

  const std::vector<int> commits = {0, 1, 0, 3, 2, 5, 1, 8, 2, 4, 0, 6};
  for (std::size_t round = 0; round < commits.size(); ++round) {
    CAPTURE(round);
    bool tear = round % 3 == 1;
    Pipe progress;
    pid_t child = fork_child([&] {
      progress.close_read();
      return run_batch(&progress, tear ? commits[round] : -1);
    });
    progress.close_write();
    REQUIRE(progress.read_bytes(static_cast<std::size_t>(commits[round])));
    auto spin_until = std::chrono::steady_clock::now() + std::chrono::microseconds(round * 97);
    while (!tear && std::chrono::steady_clock::now() < spin_until) {
    }
    if (!tear) ::kill(child, SIGKILL);  // a tearing child kills itself
    CHECK(wait_child(child) == 128 + SIGKILL);
    auto journal = read(path);  // readable whatever the moment
    if (tear) CHECK(journal.torn_tail);
    std::set<std::string> ids;
    for (const auto& r : journal.records)
      ids.insert(r["id"].get<std::string>());
    CHECK(ids.size() == journal.records.size());
  }
  CHECK(run_batch(nullptr, -1) == 0);

  auto journal = read(path);
  CHECK_FALSE(journal.torn_tail);
  REQUIRE(journal.records.size() == kTasks);
  std::set<std::string> ids;
  for (const auto& r : journal.records) {
    ids.insert(r["id"].get<std::string>());
    CHECK(r["answer"].get<std::string>().size() ==
          static_cast<std::size_t>(20000 + std::stoi(r["id"].get<std::string>().substr(1)) * 1000));
  }
  CHECK(ids.size() == kTasks);
}

}  // namespace agentry::store
