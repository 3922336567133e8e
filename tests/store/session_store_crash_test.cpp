#include <chrono>

#include <doctest/doctest.h>

#include "store/child_process.hpp"
#include "store/sqlite.hpp"
#include "store/store_test_helpers.hpp"
#include "support/temp_dir.hpp"

namespace agentry::store {

namespace {

using test::fork_child;
using test::new_session;
using test::Pipe;
using test::wait_child;

constexpr std::int64_t kMessagesPerTurn = 6;
const std::string kCwd = "/crash";

/// Six messages that each name their turn tag and position, padded so a turn spans pages.
std::vector<Message> big_turn(const std::string& tag) {
  std::vector<Message> out;
  std::string pad(4000, 'x');
  for (int part = 0; part < kMessagesPerTurn; ++part) {
    std::string text = tag + " part " + std::to_string(part) + " " + pad;
    if (part % 2 == 0) {
      out.push_back(
          Message::assistant(text, {{"c" + std::to_string(part), "t", {{"p", part}}, ""}}));
    } else {
      out.push_back(Message::tool({{"c" + std::to_string(part - 1), "t", text, false}}));
    }
  }
  return out;
}

std::string text_of(const Message& m) {
  return m.role == Role::kTool ? m.tool_results.at(0).content : m.text;
}

/// Appends turns to the directory's session forever, writing a byte to `progress` after each
/// commit. Never returns normally: the parent kills it.
TurnUsage turn_usage() {
  TurnUsage usage;
  usage.tokens.input_tokens = kMessagesPerTurn;
  return usage;
}

int write_turns_forever(const std::filesystem::path& path, const Pipe& progress, bool full_sync) {
  StoreOptions options;
  options.sync = full_sync ? StoreOptions::Sync::kFull : StoreOptions::Sync::kNormal;
  auto store = SessionStore::open(path, options);
  if (!store) return 3;
  auto latest = store->latest_session_for_cwd(kCwd);
  std::string id;
  if (latest) {
    id = latest->id;
  } else {
    auto created = store->create_session(new_session(kCwd, "crash"));
    if (!created) return 4;
    id = created->id;
  }
  for (int i = 0;; ++i) {
    if (!store->append_turn(id, big_turn(std::to_string(::getpid()) + "." + std::to_string(i)),
                            turn_usage()))
      return 5;
    progress.write_byte();
  }
}

void spin_for(std::chrono::microseconds d) {
  auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
  }
}

/// Integrity of the file and of every turn in it; returns how many turns the session has.
std::size_t check_store(const std::filesystem::path& path) {
  {
    auto db = sqlite::Database::open(path);
    REQUIRE(db);
    CHECK(*db->query_text("PRAGMA integrity_check") == "ok");
  }
  // Opening may have to finish the schema when the kill came before it was committed.
  auto store = SessionStore::open(path);
  REQUIRE(store);
  {
    auto db = sqlite::Database::open(path);
    REQUIRE(db);
    auto violations = db->query_int("SELECT count(*) FROM pragma_foreign_key_check");
    REQUIRE(violations);
    CHECK(*violations == 0);
    // Usage rows and messages agree, table-wide.
    auto counted = db->query_int("SELECT coalesce(sum(message_count), 0) FROM turns");
    auto messages = db->query_int("SELECT count(*) FROM messages");
    REQUIRE(counted);
    REQUIRE(messages);
    CHECK(*counted == *messages);
  }
  auto latest = store->latest_session_for_cwd(kCwd);
  if (!latest) return 0;
  auto t = store->load_transcript(latest->id);
  REQUIRE(t);
  std::int64_t seq = 0;
  for (const auto& turn : t->turns) {
    REQUIRE(turn.message_count == kMessagesPerTurn);
    CHECK(turn.first_seq == seq);
    CHECK(turn.usage.tokens.input_tokens == kMessagesPerTurn);
    std::string first = text_of(t->messages.at(static_cast<std::size_t>(seq)).message);
    std::string tag = first.substr(0, first.find(' '));
    for (int part = 0; part < kMessagesPerTurn; ++part) {
      const auto& m = t->messages.at(static_cast<std::size_t>(seq + part));
      CHECK(m.turn == turn.turn);
      std::string expected = tag + " part " + std::to_string(part) + " ";
      CHECK(text_of(m.message).substr(0, expected.size()) == expected);
    }
    seq += kMessagesPerTurn;
  }
  CHECK(static_cast<std::size_t>(seq) == t->messages.size());
  return t->turns.size();
}

}  // namespace

TEST_CASE("SIGKILL at any moment leaves a readable store with only whole turns") {
  testing::TempDir dir;
  auto path = dir.path() / "sessions.db";
  // How many commits to wait for before the kill, and how long to let the child run on.
  const std::vector<int> commits = {0, 0, 1, 2, 3, 5, 8, 13, 1, 2, 21, 3, 34, 1};
  std::size_t confirmed = 0;
  for (std::size_t round = 0; round < commits.size(); ++round) {
    CAPTURE(round);
    Pipe progress;
    pid_t child = fork_child([&] {
      progress.close_read();
      return write_turns_forever(path, progress, round % 2 == 0);
    });
    progress.close_write();
    bool alive = progress.read_bytes(static_cast<std::size_t>(commits[round]));
    REQUIRE_MESSAGE(alive, "the writer died on its own");
    spin_for(std::chrono::microseconds(round * 173 % 1000));
    ::kill(child, SIGKILL);
    CHECK(wait_child(child) == 128 + SIGKILL);
    confirmed += static_cast<std::size_t>(commits[round]);

    std::size_t turns = check_store(path);
    CHECK(turns >= confirmed);  // every turn append_turn reported is on disk
    confirmed = turns;
  }
  // Still writable afterwards, continuing the same sequence.
  auto store = SessionStore::open(path);
  REQUIRE(store);
  auto id = store->latest_session_for_cwd(kCwd)->id;
  CHECK(*store->append_turn(id, big_turn("final.0"), turn_usage()) ==
        static_cast<std::int64_t>(confirmed));
  CHECK(check_store(path) == confirmed + 1);
}

}  // namespace agentry::store
