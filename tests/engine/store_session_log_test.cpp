// StoreSessionLog: the loop's SessionLog over the SQLite store, compaction included (issue 17).
#include "engine/store_session_log.hpp"

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"

namespace agentry::engine {

namespace {

store::SessionStore open_session_store(const agentry::testing::TempDir& dir) {
  auto store = store::SessionStore::open(dir.path() / "sessions.db");
  REQUIRE_MESSAGE(store, (store ? "" : store.error().to_string()));
  return std::move(*store);
}

std::string create_logged(StoreSessionLog& log) {
  auto id = log.create({"", "", "", "rust-pro", "anthropic/claude-test", "/w", "Fix clippy"});
  REQUIRE_MESSAGE(id, (id ? "" : id.error().to_string()));
  return *id;
}

}  // namespace

TEST_CASE("a recorded compaction is where load (--continue, --resume) goes on from") {
  agentry::testing::TempDir dir;
  auto store = open_session_store(dir);
  StoreSessionLog log(store);
  auto id = create_logged(log);
  std::vector<Message> first = {Message::user("Fix clippy"), Message::assistant("Looking.")};
  Usage usage{100, 20, 3000, 400};
  REQUIRE(log.append(id, first, usage, 0.25));

  Compaction compaction{
      "summarised", 41200, 9800, {Message::user("Summary: one warning left in lib.rs")}};
  auto recorded = log.record_compaction(id, compaction);
  REQUIRE_MESSAGE(recorded, (recorded ? "" : recorded.error().to_string()));
  std::vector<Message> next = {Message::assistant("Fixed it.")};
  REQUIRE(log.append(id, next, usage, 0.25));
  REQUIRE(log.finish(id, "completed", "Fixed it."));

  auto loaded = log.load(id);
  REQUIRE(loaded);
  CHECK(*loaded == std::vector{compaction.view.front(), next.front()});
  // load reopens the session, as a resume does; the store keeps the whole transcript.
  auto info = store.get_session(id);
  REQUIRE(info);
  CHECK(info->status == store::SessionStatus::kRunning);
  auto transcript = store.load_transcript(id);
  REQUIRE(transcript);
  CHECK(transcript->messages.size() == 3);
  REQUIRE(transcript->compactions.size() == 1);
  CHECK(transcript->compactions.front().how == "summarised");
  CHECK(transcript->compactions.front().tokens_before == 41200);
  CHECK(transcript->compactions.front().tokens_after == 9800);
  CHECK(transcript->compactions.front().at_seq == 2);
  // Cache reads and writes are kept per turn.
  auto totals = store.session_usage(id);
  REQUIRE(totals);
  CHECK(totals->tokens == Usage{200, 40, 6000, 800});
  CHECK(totals->cost_usd == doctest::Approx(0.5));
}

TEST_CASE("a compaction of an unknown session fails with the store's error") {
  agentry::testing::TempDir dir;
  auto store = open_session_store(dir);
  StoreSessionLog log(store);
  auto failed = log.record_compaction("01HZX3V9K2M4N6P8Q0R2S4T6V8", {"pruned", 2, 1, {}});
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code == ErrorCode::kNotFound);
}

}  // namespace agentry::engine
