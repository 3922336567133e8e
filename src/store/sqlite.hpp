#pragma once
/// Thin RAII wrappers over the SQLite C API: a connection, a prepared statement and a
/// transaction guard. They turn SQLite result codes into `Error`s that name the database file,
/// and nothing more; the schema and the queries live in the session store.
///
/// None of these types is thread-safe: the owner serialises access (SessionStore holds a mutex).
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace agentry::store::sqlite {

class Statement;

/// One open connection (`sqlite3*`), closed when the object dies. Move-only.
class Database {
 public:
  /// Opens (creating when absent) the database file at `path`, read-write, in the connection's
  /// own thread mode. The file is created 0600: transcripts may hold private code.
  [[nodiscard]] static Result<Database> open(const std::filesystem::path& path);

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  /// Runs one or more `;`-separated statements that return no rows of interest.
  [[nodiscard]] Result<void> exec(std::string_view sql);
  /// Compiles one statement.
  [[nodiscard]] Result<Statement> prepare(std::string_view sql);
  /// The statement for `sql`, compiled on its first use and kept for the connection's life:
  /// compiling costs more than running most of the store's statements, and it ran under the
  /// store's lock for every turn of every concurrent session. The Statement handed out borrows
  /// the compiled one: it starts with no bindings and is rewound when it dies, so no statement
  /// holds a read snapshot open between uses. While borrowed, a second user gets a fresh copy.
  [[nodiscard]] Result<Statement> cached(std::string_view sql);
  /// Runs a statement expected to yield exactly one text value (e.g. `PRAGMA journal_mode=WAL`).
  [[nodiscard]] Result<std::string> query_text(std::string_view sql);
  /// Runs a statement expected to yield exactly one integer value.
  [[nodiscard]] Result<std::int64_t> query_int(std::string_view sql);
  /// Closing the connection leaves the write-ahead log for the next one instead of folding it
  /// into the database first: every commit is already in the log, and folding it (plus the
  /// fsyncs, plus recreating the log next time) cost a short command more than its own work.
  /// SQLite still folds it as it grows (wal_autocheckpoint; the store sets 256 pages).
  void keep_wal_on_close();
  /// Rows changed by the last INSERT, UPDATE or DELETE.
  std::int64_t changes() const;

  /// An Error for the connection's last failure: `what` plus SQLite's message, where = the file.
  Error error(int rc, std::string_view what) const;

  sqlite3* handle() const { return db_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  struct Compiled {
    sqlite3_stmt* stmt = nullptr;
    bool borrowed = false;
  };
  Database(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}
  void close();
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
  std::map<std::string, Compiled, std::less<>> cache_;  // node-stable: borrowers point into it
};

/// A compiled statement (`sqlite3_stmt*`), finalized when the object dies. Move-only.
///
/// Parameters are 1-based, columns 0-based, as in SQLite. A bind failure is remembered and
/// reported by the next step()/run(), so binds chain without checks.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  /// Binds text by copy (SQLITE_TRANSIENT): `value` need not outlive the statement.
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) {
    return bind(index, std::string_view(value));
  }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::optional<std::string>& value);
  Statement& bind(int index, const std::optional<double>& value);
  Statement& bind_null(int index);
  /// Binds bytes as a BLOB, by copy (file contents: any bytes, not necessarily UTF-8).
  Statement& bind_blob(int index, std::string_view bytes);

  /// Advances: true when a row is available, false when done.
  [[nodiscard]] Result<bool> step();
  /// Steps until done, for statements whose rows (if any) do not matter.
  [[nodiscard]] Result<void> run();
  /// Rewinds so the statement can run again; bindings are kept.
  void reset();

  bool is_null(int column) const;
  std::int64_t column_int(int column) const;
  double column_double(int column) const;
  /// Text exactly as stored, embedded NULs included.
  std::string column_text(int column) const;
  std::optional<std::string> column_optional_text(int column) const;
  std::optional<double> column_optional_double(int column) const;
  /// A BLOB column's bytes ("" for NULL or an empty blob).
  std::string column_blob(int column) const;

 private:
  friend class Database;
  Statement(const Database* db, sqlite3_stmt* stmt, bool* borrowed = nullptr)
      : db_(db), stmt_(stmt), borrowed_(borrowed) {}
  Statement& check_bind(int rc, int index);
  /// Finalizes an owned statement; rewinds and hands back a borrowed one.
  void release();
  const Database* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  bool* borrowed_ = nullptr;  ///< set: Database::cached() owns stmt_; this flag marks it in use
  std::optional<Error> bind_error_;
};

/// A transaction that rolls back unless commit() succeeded. Move-only.
class Transaction {
 public:
  /// kImmediate takes the write lock at once (waiting up to busy_timeout), so a writer never
  /// fails half-way on a lock upgrade; kDeferred is for consistent multi-statement reads.
  enum class Mode { kDeferred, kImmediate };

  [[nodiscard]] static Result<Transaction> begin(Database& db, Mode mode);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  /// Rewinds every statement of the connection still between rows (no statement may be read
  /// across the end of its transaction), then commits.
  [[nodiscard]] Result<void> commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_ = nullptr;  ///< null once committed, rolled back or moved from
};

}  // namespace agentry::store::sqlite
