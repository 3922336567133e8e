#include "store/sqlite.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"

namespace agentry::store::sqlite {

namespace {

Database open_db(const std::filesystem::path& path) {
  auto db = Database::open(path);
  REQUIRE(db);
  return std::move(*db);
}

std::int64_t count_rows(Database& db) {
  auto n = db.query_int("SELECT count(*) FROM t");
  REQUIRE(n);
  return *n;
}

/// Compiled statements alive on the connection, cached or not.
int live_statements(const Database& db) {
  int n = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db.handle(), nullptr); s != nullptr;
       s = sqlite3_next_stmt(db.handle(), s))
    ++n;
  return n;
}

/// Statements that are mid-run (stepped, not yet reset): they hold a read snapshot open.
int busy_statements(const Database& db) {
  int n = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db.handle(), nullptr); s != nullptr;
       s = sqlite3_next_stmt(db.handle(), s))
    n += sqlite3_stmt_busy(s) != 0 ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("a new database file is private to the user") {
  testing::TempDir dir;
  auto db = open_db(dir.path() / "x.db");
  struct stat st {};
  REQUIRE(::stat((dir.path() / "x.db").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("text round-trips byte for byte, NULs included, and NULL is not empty") {
  testing::TempDir dir;
  auto db = open_db(dir.path() / "x.db");
  REQUIRE(db.exec("CREATE TABLE t (a TEXT, b REAL, c INTEGER)"));
  std::string text("a\0b\xE2\x9C\x93", 6);
  auto insert = db.prepare("INSERT INTO t VALUES (?1, ?2, ?3)");
  REQUIRE(insert);
  REQUIRE(
      insert->bind(1, std::string_view(text)).bind(2, 0.25).bind(3, std::int64_t{1} << 40).run());
  REQUIRE(insert->bind_null(1).bind(2, std::optional<double>()).bind(3, std::int64_t{-1}).run());

  auto select = db.prepare("SELECT a, b, c FROM t ORDER BY c DESC");
  REQUIRE(select);
  REQUIRE(*select->step());
  CHECK(select->column_text(0) == text);
  CHECK(select->column_optional_double(1) == 0.25);
  CHECK(select->column_int(2) == (std::int64_t{1} << 40));
  REQUIRE(*select->step());
  CHECK(select->column_optional_text(0) == std::nullopt);
  CHECK(select->column_optional_double(1) == std::nullopt);
  CHECK_FALSE(*select->step());
}

TEST_CASE("a transaction rolls back unless committed") {
  testing::TempDir dir;
  auto db = open_db(dir.path() / "x.db");
  REQUIRE(db.exec("CREATE TABLE t (a INTEGER)"));
  {
    auto tx = Transaction::begin(db, Transaction::Mode::kImmediate);
    REQUIRE(tx);
    REQUIRE(db.exec("INSERT INTO t VALUES (1)"));
  }
  CHECK(count_rows(db) == 0);
  {
    auto tx = Transaction::begin(db, Transaction::Mode::kImmediate);
    REQUIRE(tx);
    REQUIRE(db.exec("INSERT INTO t VALUES (1)"));
    REQUIRE(tx->commit());
  }
  CHECK(count_rows(db) == 1);
}

TEST_CASE("errors name the database file and keep SQLite's reason") {
  testing::TempDir dir;
  auto db = open_db(dir.path() / "x.db");
  auto bad = db.prepare("SELEKT 1");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::kIo);
  CHECK(bad.error().where == (dir.path() / "x.db").string());
  CHECK(bad.error().message == "cannot prepare session store query: near \"SELEKT\": syntax error");

  auto stmt = db.prepare("SELECT ?1");
  REQUIRE(stmt);
  auto out_of_range = stmt->bind(5, std::int64_t{1}).step();
  REQUIRE_FALSE(out_of_range);
  CHECK(out_of_range.error().code == ErrorCode::kInternal);
  CHECK(out_of_range.error().message == "cannot bind parameter 5: column index out of range");
}

TEST_CASE("a cached statement is compiled once and comes back rewound, without bindings") {
  testing::TempDir dir;
  auto db = open_db(dir.path() / "x.db");
  REQUIRE(db.exec("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1), (2)"));
  {
    auto first = db.cached("SELECT ?1, (SELECT count(*) FROM t)");
    REQUIRE(first);
    REQUIRE(*first->bind(1, std::int64_t{7}).step());
    CHECK(first->column_int(0) == 7);
    CHECK(busy_statements(db) == 1);
  }
  CHECK(busy_statements(db) == 0);  // left mid-row, yet rewound: no snapshot held open
  {
    auto again = db.cached("SELECT ?1, (SELECT count(*) FROM t)");
    REQUIRE(again);
    REQUIRE(*again->step());
    CHECK(again->is_null(0));  // the 7 bound last time is gone
    CHECK(again->column_int(1) == 2);
  }
  CHECK(live_statements(db) == 1);
}

TEST_CASE("a cached statement in use is not handed out twice") {
  testing::TempDir dir;
  auto db = open_db(dir.path() / "x.db");
  REQUIRE(db.exec("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1), (2)"));
  const char* sql = "SELECT a FROM t ORDER BY a";
  auto outer = db.cached(sql);
  REQUIRE(outer);
  REQUIRE(*outer->step());
  {
    auto inner = db.cached(sql);
    REQUIRE(inner);
    CHECK(live_statements(db) == 2);
    REQUIRE(*inner->step());
    CHECK(inner->column_int(0) == 1);
    REQUIRE(*inner->step());
    CHECK(inner->column_int(0) == 2);
  }
  CHECK(live_statements(db) == 1);  // the second user's copy was finalized
  CHECK(outer->column_int(0) == 1);
  REQUIRE(*outer->step());
  CHECK(outer->column_int(0) == 2);
}

TEST_CASE("transactions run on cached BEGIN and COMMIT and still report a failed commit") {
  testing::TempDir dir;
  auto db = open_db(dir.path() / "x.db");
  REQUIRE(
      db.exec("CREATE TABLE p (id INTEGER PRIMARY KEY); "
              "CREATE TABLE c (p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED); "
              "PRAGMA foreign_keys = ON"));
  for (int i = 0; i < 3; ++i) {
    auto tx = Transaction::begin(db, Transaction::Mode::kImmediate);
    REQUIRE(tx);
    REQUIRE(db.exec("INSERT INTO p DEFAULT VALUES"));
    REQUIRE(tx->commit());
  }
  CHECK(*db.query_int("SELECT count(*) FROM p") == 3);
  {
    auto tx = Transaction::begin(db, Transaction::Mode::kImmediate);
    REQUIRE(tx);
    REQUIRE(db.exec("INSERT INTO c VALUES (99)"));
    auto committed = tx->commit();
    REQUIRE_FALSE(committed);
    CHECK(committed.error().message.find("FOREIGN KEY constraint failed") != std::string::npos);
  }
  CHECK(*db.query_int("SELECT count(*) FROM c") == 0);
  auto tx = Transaction::begin(db, Transaction::Mode::kImmediate);
  CHECK(tx);  // the failed COMMIT was rolled back and its statement rewound
}

TEST_CASE("a file that is not a database is reported as damaged") {
  testing::TempDir dir;
  auto path = dir.write("junk.db", std::string(4096, 'x'));
  auto db = open_db(path);
  auto read = db.query_int("SELECT count(*) FROM sqlite_master");
  REQUIRE_FALSE(read);
  CHECK(read.error().code == ErrorCode::kIo);
  CHECK(read.error().message == "cannot prepare session store query: file is not a database");
  CHECK(read.error().hint ==
        "the session store is damaged; move the file aside and agentry starts a new one");
}

TEST_CASE("a database in a missing directory cannot be opened") {
  testing::TempDir dir;
  auto db = Database::open(dir.path() / "missing" / "x.db");
  REQUIRE_FALSE(db);
  CHECK(db.error().code == ErrorCode::kIo);
  CHECK(db.error().message == "cannot open session store: No such file or directory");
  CHECK(db.error().where == (dir.path() / "missing" / "x.db").string());
}

}  // namespace agentry::store::sqlite
