#include "store/sqlite.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>
#include <utility>

#include <fmt/format.h>

namespace agentry::store::sqlite {

namespace {

Error make_error(int rc, std::string_view what, std::string_view detail,
                 const std::filesystem::path& path) {
  Error e(ErrorCode::kIo, fmt::format("{}: {}", what, detail), path.string());
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      e.retryable = true;
      e.hint = "another agentry process holds the session store locked; try again";
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      e.hint = "the session store is damaged; move the file aside and agentry starts a new one";
      break;
    case SQLITE_FULL:
      e.hint = "free some disk space";
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      e.hint = "check that the directory exists and is writable";
      break;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
      e.code = ErrorCode::kInternal;
      break;
    default:
      break;
  }
  return e;
}

}  // namespace

Result<Database> Database::open(const std::filesystem::path& path) {
  // Create the file ourselves so that it (and the -wal/-shm files SQLite derives from it) is
  // private to the user whatever the umask.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    int err = errno;
    return fail(ErrorCode::kIo, fmt::format("cannot open session store: {}", std::strerror(err)),
                path.string(), "check that the directory exists and is writable");
  }
  ::close(fd);

  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close(raw);
    return tl::make_unexpected(make_error(rc, "cannot open session store", detail, path));
  }
  sqlite3_extended_result_codes(raw, 1);
  return Database(raw, path);
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      path_(std::move(other.path_)),
      cache_(std::move(other.cache_)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
    cache_ = std::move(other.cache_);
  }
  return *this;
}

Database::~Database() {
  close();
}

void Database::keep_wal_on_close() {
  sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
}

void Database::close() {
  for (auto& [sql, compiled] : cache_)
    sqlite3_finalize(compiled.stmt);
  cache_.clear();
  sqlite3_close_v2(db_);
  db_ = nullptr;
}

Error Database::error(int rc, std::string_view what) const {
  return make_error(rc, what, sqlite3_errmsg(db_), path_);
}

Result<void> Database::exec(std::string_view sql) {
  std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return tl::make_unexpected(error(rc, "session store statement failed"));
  return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return tl::make_unexpected(error(rc, "cannot prepare session store query"));
  }
  return Statement(this, stmt);
}

Result<Statement> Database::cached(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    auto fresh = prepare(sql);
    if (!fresh) return fresh;
    it = cache_.emplace(std::string(sql), Compiled{std::exchange(fresh->stmt_, nullptr)}).first;
  } else if (it->second.borrowed) {
    return prepare(sql);
  }
  it->second.borrowed = true;
  return Statement(this, it->second.stmt, &it->second.borrowed);
}

Result<std::string> Database::query_text(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt) return tl::make_unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return tl::make_unexpected(row.error());
  if (!*row)
    return fail(ErrorCode::kInternal, fmt::format("no row from '{}'", sql), path_.string());
  return stmt->column_text(0);
}

Result<std::int64_t> Database::query_int(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt) return tl::make_unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return tl::make_unexpected(row.error());
  if (!*row)
    return fail(ErrorCode::kInternal, fmt::format("no row from '{}'", sql), path_.string());
  return stmt->column_int(0);
}

std::int64_t Database::changes() const {
  return sqlite3_changes64(db_);
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      borrowed_(std::exchange(other.borrowed_, nullptr)),
      bind_error_(std::move(other.bind_error_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    release();
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    borrowed_ = std::exchange(other.borrowed_, nullptr);
    bind_error_ = std::move(other.bind_error_);
  }
  return *this;
}

Statement::~Statement() {
  release();
}

void Statement::release() {
  if (borrowed_ == nullptr) {
    sqlite3_finalize(stmt_);
  } else if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *borrowed_ = false;
  }
  stmt_ = nullptr;
  borrowed_ = nullptr;
}

Statement& Statement::check_bind(int rc, int index) {
  if (rc != SQLITE_OK && !bind_error_)
    bind_error_ = db_->error(rc, fmt::format("cannot bind parameter {}", index));
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  return check_bind(sqlite3_bind_int64(stmt_, index, value), index);
}

Statement& Statement::bind(int index, double value) {
  return check_bind(sqlite3_bind_double(stmt_, index, value), index);
}

Statement& Statement::bind(int index, std::string_view value) {
  return check_bind(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  // A zero-length blob with a null pointer would bind NULL: give SQLite a valid pointer.
  static const char kEmpty = 0;
  return check_bind(sqlite3_bind_blob64(stmt_, index, bytes.empty() ? &kEmpty : bytes.data(),
                                        bytes.size(), SQLITE_TRANSIENT),
                    index);
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, std::string_view(*value)) : bind_null(index);
}

Statement& Statement::bind(int index, const std::optional<double>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  return check_bind(sqlite3_bind_null(stmt_, index), index);
}

Result<bool> Statement::step() {
  if (bind_error_) return tl::make_unexpected(*bind_error_);
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error e = db_->error(rc, "session store query failed");
  sqlite3_reset(stmt_);
  return tl::make_unexpected(std::move(e));
}

Result<void> Statement::run() {
  while (true) {
    auto row = step();
    if (!row) return tl::make_unexpected(row.error());
    if (!*row) break;
  }
  reset();
  return {};
}

void Statement::reset() {
  sqlite3_reset(stmt_);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::column_int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double Statement::column_double(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string Statement::column_text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string Statement::column_blob(int column) const {
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  if (bytes == nullptr) return {};
  return std::string(bytes, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::string> Statement::column_optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_text(column);
}

std::optional<double> Statement::column_optional_double(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_double(column);
}

Result<Transaction> Transaction::begin(Database& db, Mode mode) {
  auto started = db.cached(mode == Mode::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED")
                     .and_then([](Statement stmt) { return stmt.run(); });
  if (!started) return tl::make_unexpected(started.error());
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
  // A failed statement may already have ended the transaction; ROLLBACK then fails harmlessly.
  if (db_ != nullptr) sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

Result<void> Transaction::commit() {
  // A query still between rows holds the connection's read transaction open past COMMIT, and
  // then SQLite's automatic checkpoint after the commit fails (SQLITE_LOCKED, silently): the
  // log is never folded and grows for as long as the store stays open (a long chat, a batch).
  // Nothing reads a statement of a finished transaction, so rewind them all first.
  for (sqlite3_stmt* stmt = sqlite3_next_stmt(db_->handle(), nullptr); stmt != nullptr;
       stmt = sqlite3_next_stmt(db_->handle(), stmt)) {
    if (sqlite3_stmt_busy(stmt) != 0) sqlite3_reset(stmt);
  }
  auto done = db_->cached("COMMIT").and_then([](Statement stmt) { return stmt.run(); });
  if (!done) return done;  // the destructor rolls back
  db_ = nullptr;
  return {};
}

}  // namespace agentry::store::sqlite
