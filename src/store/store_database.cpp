#include "store/store_database.hpp"

#include <algorithm>
#include <chrono>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include "store/schema.hpp"

namespace agentry::store {

namespace fs = std::filesystem;

namespace {

constexpr int kWalPages = 256;

/// Switches a database to WAL. When several processes create the store at once, SQLite answers
/// BUSY at once instead of calling the busy handler (waiting could deadlock), so wait here.
Result<std::string> switch_to_wal(sqlite::Database& db, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(1);
  while (true) {
    auto mode = db.query_text("PRAGMA journal_mode = WAL");
    if (mode || !mode.error().retryable || std::chrono::steady_clock::now() >= deadline) {
      return mode;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

}  // namespace

Result<sqlite::Database> open_session_database(const fs::path& path, const StoreOptions& options,
                                               std::int64_t now_ms) {
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  if (ec) {
    return fail(ErrorCode::kIo,
                fmt::format("cannot create the session store's directory: {}", ec.message()),
                path.parent_path().string(), "check the permissions of its parent");
  }
  auto db = sqlite::Database::open(path);
  if (!db) return db;

  auto busy = db->exec(fmt::format("PRAGMA busy_timeout = {}", options.busy_timeout.count()));
  if (!busy) return tl::make_unexpected(busy.error());
  auto journal = switch_to_wal(*db, options.busy_timeout);
  if (!journal) return tl::make_unexpected(journal.error());
  if (*journal != "wal") {
    return fail(ErrorCode::kIo,
                fmt::format("session store cannot use WAL journaling (got '{}')", *journal),
                path.string(), "put the store on a local file system");
  }
  // The log is left in place when a connection closes (keep_wal_on_close: no fold and fsyncs
  // at the end of every command); each process's first connection then reads it back, so it
  // is folded into the database at 256 pages (1 MiB) rather than SQLite's 1000.
  auto pragmas = db->exec(
      fmt::format("PRAGMA synchronous = {}; PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = "
                  "{}; PRAGMA journal_size_limit = {}",
                  options.sync == StoreOptions::Sync::kFull ? "FULL" : "NORMAL", kWalPages,
                  kWalPages * 4096 * 2));
  if (!pragmas) return tl::make_unexpected(pragmas.error());
  db->keep_wal_on_close();

  auto migrated = migrate(*db, session_store_migrations(), now_ms);
  if (!migrated) return tl::make_unexpected(migrated.error());
  return db;
}

}  // namespace agentry::store
