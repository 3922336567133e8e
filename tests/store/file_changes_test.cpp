// The store's side of undo (issue 18): SHA-256, schema v3's blobs and file_changes, which turn a
// change belongs to (a subagent's included), and marking changes undone.
#include <doctest/doctest.h>

#include "store/schema.hpp"
#include "store/sha256.hpp"
#include "store/sqlite.hpp"
#include "store/store_test_helpers.hpp"
#include "support/temp_dir.hpp"

namespace agentry::store {

namespace {

std::string begin_session(SessionStore& store, std::optional<std::string> parent = std::nullopt) {
  auto s = test::new_session();
  s.parent_id = std::move(parent);
  if (s.parent_id) s.parent_tool_call_id = "call_task";
  auto info = store.create_session(s);
  REQUIRE_MESSAGE(info, (info ? "" : info.error().to_string()));
  return info->id;
}

std::vector<FileChange> file_changes_of(const SessionStore& store, const std::string& id) {
  auto changes = store.file_changes(id);
  REQUIRE_MESSAGE(changes, (changes ? "" : changes.error().to_string()));
  return *changes;
}

}  // namespace

TEST_CASE("sha256 of the standard test vectors and of every tail length") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // 55, 56 and 64 bytes: the length fits the last block, needs another, or a block is full.
  CHECK(sha256_hex(std::string(55, 'x')) != sha256_hex(std::string(56, 'x')));
  CHECK(sha256_hex(std::string(64, '\0')) ==
        "f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b");
}

TEST_CASE("a change is kept by content hash, in the top-level session's current turn") {
  testing::TempDir dir;
  test::ManualClock clock;
  auto store = test::open_store(dir.path() / "s.db", clock);
  auto root = begin_session(store);
  // Turn 0 is over (the task and a reply); turn 1's tool calls run now.
  REQUIRE(
      store.append_turn(root, std::vector{Message::user("Fix it"), Message::assistant("ok")}, {}));
  std::string binary("a\0b\xff", 4);
  auto turn = store.record_file_change(root, {"call_1", "/w/src/lib.rs", binary, "fn x() {}\n"});
  REQUIRE(turn);
  CHECK(*turn == 1);
  auto created = store.record_file_change(root, {"call_2", "/w/src/new.rs", std::nullopt, "new"});
  REQUIRE(created);

  auto changes = file_changes_of(store, root);
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].path == "/w/src/lib.rs");
  CHECK(changes[0].call_id == "call_1");
  CHECK(changes[0].root_id == root);
  CHECK(changes[0].before_hash == sha256_hex(binary));
  CHECK(changes[0].after_hash == sha256_hex("fn x() {}\n"));
  CHECK_FALSE(changes[0].reverted);
  CHECK(changes[1].before_hash == "absent");
  // The exact bytes come back, NUL and non-UTF-8 included.
  auto bytes = store.blob(changes[0].before_hash);
  REQUIRE(bytes);
  CHECK(*bytes == binary);
  CHECK(store.blob(std::string(64, '0')).error().code == ErrorCode::kNotFound);
  // The turn the change belongs to is the one holding the user's message before it.
  CHECK(changes[0].prompt_turn == 0);
  CHECK(changes[0].prompt == "Fix it");
}

TEST_CASE("a subagent's change counts in its parent's turn and is listed with the parent's") {
  testing::TempDir dir;
  test::ManualClock clock;
  auto store = test::open_store(dir.path() / "s.db", clock);
  auto root = begin_session(store);
  REQUIRE(store.append_turn(root, std::vector{Message::user("first")}, {}));
  REQUIRE(store.append_turn(root, std::vector{Message::user("second")}, {}));
  auto child = begin_session(store, root);
  REQUIRE(
      store.append_turn(child, std::vector{Message::user("do it"), Message::assistant("ok")}, {}));
  REQUIRE(store.record_file_change(child, {"call_w", "/w/a.rs", "old", "new"}));

  auto from_root = file_changes_of(store, root);
  REQUIRE(from_root.size() == 1);
  CHECK(from_root[0].session_id == child);
  CHECK(from_root[0].root_id == root);
  CHECK(from_root[0].turn == 2);
  CHECK(from_root[0].prompt_turn == 1);
  CHECK(from_root[0].prompt == "second");
  CHECK(file_changes_of(store, child).size() == 1);

  REQUIRE(store.mark_reverted(std::vector<std::int64_t>{from_root[0].id}));
  CHECK(file_changes_of(store, root)[0].reverted);
  CHECK(store.record_file_change("nope", {"c", "/p", "a", "b"}).error().code ==
        ErrorCode::kNotFound);
}

TEST_CASE("a version 2 store is migrated to version 3 on open and keeps its sessions") {
  testing::TempDir dir;
  test::ManualClock clock;
  auto path = dir.path() / "sessions.db";
  {
    auto db = sqlite::Database::open(path);
    REQUIRE(db);
    REQUIRE(migrate(*db, session_store_migrations().first(2), 1));
    REQUIRE(db->exec(
        "INSERT INTO sessions VALUES ('01HZX3V9K2M4N6P8Q0R2S4T6V8', NULL, NULL, 'rust-pro', 'm', "
        "'p', '/w', 'old task', 'done', 'ok', 1, 2);"));
  }
  auto store = test::open_store(path, clock);
  const std::string id = "01HZX3V9K2M4N6P8Q0R2S4T6V8";
  REQUIRE(store.get_session(id));
  REQUIRE(store.record_file_change(id, {"c", "/w/x.rs", std::nullopt, "x"}));
  CHECK(file_changes_of(store, id).size() == 1);
}

}  // namespace agentry::store
