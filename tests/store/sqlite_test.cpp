#include "store/sqlite.hpp"

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
