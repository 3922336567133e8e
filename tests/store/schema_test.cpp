#include "store/schema.hpp"

#include <array>

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"

namespace agentry::store {

namespace {

sqlite::Database open_db(const std::filesystem::path& path) {
  auto db = sqlite::Database::open(path);
  REQUIRE(db);
  return std::move(*db);
}

std::vector<std::int64_t> recorded_versions(sqlite::Database& db) {
  auto stmt = db.prepare("SELECT version FROM schema_version ORDER BY version");
  REQUIRE(stmt);
  std::vector<std::int64_t> out;
  while (*stmt->step())
    out.push_back(stmt->column_int(0));
  return out;
}

}  // namespace

TEST_CASE("a new database gets every migration once, and a second run applies nothing") {
  testing::TempDir dir;
  auto db = open_db(dir.path() / "s.db");
  auto version = migrate(db, session_store_migrations(), 1000);
  REQUIRE(version);
  CHECK(*version == 4);
  CHECK(recorded_versions(db) == std::vector<std::int64_t>{1, 2, 3, 4});
  CHECK(*db.query_int("SELECT max(applied_at) FROM schema_version") == 1000);
  CHECK(*db.query_int("SELECT count(*) FROM sqlite_master WHERE name IN "
                      "('sessions', 'turns', 'messages', 'compactions', 'blobs', "
                      "'file_changes')") == 6);

  auto again = migrate(db, session_store_migrations(), 2000);
  REQUIRE(again);
  CHECK(*again == 4);
  CHECK(recorded_versions(db) == std::vector<std::int64_t>{1, 2, 3, 4});
}

TEST_CASE("a version 1 database is upgraded by the migrations after it, in order") {
  testing::TempDir dir;
  auto db = open_db(dir.path() / "s.db");
  std::array<std::string_view, 1> v1 = {"CREATE TABLE a (x INTEGER)"};
  REQUIRE(migrate(db, v1, 1));
  REQUIRE(db.exec("INSERT INTO a VALUES (7)"));

  std::array<std::string_view, 3> v3 = {"CREATE TABLE a (x INTEGER)",
                                        "ALTER TABLE a ADD COLUMN y INTEGER NOT NULL DEFAULT 2",
                                        "UPDATE a SET y = y + x"};
  auto version = migrate(db, v3, 2);
  REQUIRE(version);
  CHECK(*version == 3);
  CHECK(recorded_versions(db) == std::vector<std::int64_t>{1, 2, 3});
  CHECK(*db.query_int("SELECT y FROM a") == 9);
}

TEST_CASE("a failing migration leaves the database at its old version") {
  testing::TempDir dir;
  auto db = open_db(dir.path() / "s.db");
  std::array<std::string_view, 1> v1 = {"CREATE TABLE a (x INTEGER)"};
  REQUIRE(migrate(db, v1, 1));
  std::array<std::string_view, 3> broken = {"CREATE TABLE a (x INTEGER)", "CREATE TABLE b (x)",
                                            "ALTER TABLE nope ADD COLUMN z"};
  auto version = migrate(db, broken, 2);
  REQUIRE_FALSE(version);
  CHECK(
      version.error().message ==
      "migration to schema version 3 failed: session store statement failed: no such table: nope");
  CHECK(recorded_versions(db) == std::vector<std::int64_t>{1});
  CHECK(*db.query_int("SELECT count(*) FROM sqlite_master WHERE name = 'b'") == 0);
}

TEST_CASE("a database from a newer agentry is refused") {
  testing::TempDir dir;
  auto db = open_db(dir.path() / "s.db");
  REQUIRE(migrate(db, session_store_migrations(), 1));
  REQUIRE(db.exec("INSERT INTO schema_version VALUES (5, 5)"));
  auto version = migrate(db, session_store_migrations(), 6);
  REQUIRE_FALSE(version);
  CHECK(version.error().code == ErrorCode::kConfig);
  CHECK(version.error().message ==
        "session store has schema version 5, this agentry knows up to 4");
  CHECK(version.error().where == (dir.path() / "s.db").string());
}

}  // namespace agentry::store
