// The store's side of compaction (issue 17): the transcript stays whole, load_messages resumes
// from the latest compaction's view plus what came after it.
#include <doctest/doctest.h>

#include "store/schema.hpp"
#include "store/session_export.hpp"
#include "store/sqlite.hpp"
#include "store/store_test_helpers.hpp"
#include "support/temp_dir.hpp"

namespace agentry::store {

namespace {

std::string start(SessionStore& store) {
  auto info = store.create_session(test::new_session());
  REQUIRE_MESSAGE(info, (info ? "" : info.error().to_string()));
  return info->id;
}

void add_turn(SessionStore& store, const std::string& id, const std::vector<Message>& messages,
              TurnUsage usage = {}) {
  auto turn = store.append_turn(id, messages, usage);
  REQUIRE_MESSAGE(turn, (turn ? "" : turn.error().to_string()));
}

std::vector<Message> resumed(const SessionStore& store, const std::string& id) {
  auto loaded = store.load_messages(id);
  REQUIRE_MESSAGE(loaded, (loaded ? "" : loaded.error().to_string()));
  return *loaded;
}

std::vector<Message> joined(std::vector<Message> a, const std::vector<Message>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

NewCompaction summarised_to(std::vector<Message> view) {
  return {"summarised", 41200, 9800, std::move(view)};
}

/// A fresh store on a hand-moved clock.
struct CompactionStore {
  testing::TempDir dir;
  test::ManualClock clock;
  SessionStore store = test::open_store(dir.path() / "s.db", clock);
};

}  // namespace

TEST_CASE_FIXTURE(
    CompactionStore,
    "after a compaction, load_messages is its view plus the messages appended after it") {
  auto id = start(store);
  auto first = joined({Message::user("Fix clippy")}, test::tool_turn("a"));
  add_turn(store, id, first);
  add_turn(store, id, test::tool_turn("b"));

  std::vector<Message> view = {Message::user("Summary: clippy has 1 warning left in lib.rs"),
                               test::tool_turn("b")[0], test::tool_turn("b")[1]};
  clock.advance(std::chrono::milliseconds(500));
  auto index = store.record_compaction(id, summarised_to(view));
  REQUIRE_MESSAGE(index, (index ? "" : index.error().to_string()));
  CHECK(*index == 0);
  CHECK(resumed(store, id) == view);

  auto later = test::tool_turn("c");
  add_turn(store, id, later);
  CHECK(resumed(store, id) == joined(view, later));

  // The transcript keeps every message and lists the compaction where it happened.
  auto transcript = store.load_transcript(id);
  REQUIRE(transcript);
  CHECK(transcript->messages.size() == first.size() + 4);
  REQUIRE(transcript->compactions.size() == 1);
  const auto& c = transcript->compactions.front();
  CHECK(c.index == 0);
  CHECK(c.at_seq == 5);
  CHECK(c.how == "summarised");
  CHECK(c.tokens_before == 41200);
  CHECK(c.tokens_after == 9800);
  CHECK(c.view == view);
  CHECK(c.created_at_ms == clock.ms());
  CHECK(transcript->session.updated_at_ms == clock.ms());
}

TEST_CASE_FIXTURE(CompactionStore,
                  "the latest of several compactions is where a resume goes on from") {
  auto id = start(store);
  add_turn(store, id, joined({Message::user("task")}, test::tool_turn("a")));
  std::vector<Message> pruned = {Message::user("task"), Message::assistant("pruned view")};
  REQUIRE(store.record_compaction(id, {"pruned", 30000, 21000, pruned}));
  add_turn(store, id, test::tool_turn("b"));
  std::vector<Message> summary = {Message::user("Summary so far")};
  auto second = store.record_compaction(id, summarised_to(summary));
  REQUIRE(second);
  CHECK(*second == 1);
  // A compaction with no turn in between, then a usage-only turn: both change nothing odd.
  std::vector<Message> again = {Message::user("Summary again")};
  REQUIRE(store.record_compaction(id, summarised_to(again)));
  add_turn(store, id, {});
  add_turn(store, id, test::tool_turn("c"));
  CHECK(resumed(store, id) == joined(again, test::tool_turn("c")));

  auto transcript = store.load_transcript(id);
  REQUIRE(transcript);
  REQUIRE(transcript->compactions.size() == 3);
  CHECK(transcript->compactions[0].how == "pruned");
  CHECK(transcript->compactions[0].at_seq == 3);
  CHECK(transcript->compactions[1].at_seq == 5);
  CHECK(transcript->compactions[2].at_seq == 5);
  CHECK(transcript->compactions[2].index == 2);
  CHECK(transcript->messages.size() == 7);
}

TEST_CASE_FIXTURE(CompactionStore,
                  "a compaction before any message, and sessions without one, load as before") {
  auto plain = start(store);
  add_turn(store, plain, test::tool_turn("a"));
  auto compacted = start(store);
  std::vector<Message> view = {Message::user("carried over")};
  REQUIRE(store.record_compaction(compacted, summarised_to(view)));
  add_turn(store, compacted, test::tool_turn("b"));
  CHECK(resumed(store, compacted) == joined(view, test::tool_turn("b")));
  // Another session's compaction does not leak into this one.
  CHECK(resumed(store, plain) == test::tool_turn("a"));
}

TEST_CASE_FIXTURE(
    CompactionStore,
    "a compaction of an unknown session or of an unknown kind is refused, nothing written") {
  auto id = start(store);
  add_turn(store, id, test::tool_turn("a"));

  auto missing = store.record_compaction("01HZX3V9K2M4N6P8Q0R2S4T6V8", summarised_to({}));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::kNotFound);

  auto odd = store.record_compaction(id, {"squeezed", 1, 1, {Message::user("x")}});
  REQUIRE_FALSE(odd);
  CHECK(odd.error().code == ErrorCode::kInternal);
  CHECK(odd.error().message == "unknown compaction kind 'squeezed'");

  CHECK(resumed(store, id) == test::tool_turn("a"));
  auto transcript = store.load_transcript(id);
  REQUIRE(transcript);
  CHECK(transcript->compactions.empty());
}

TEST_CASE_FIXTURE(CompactionStore, "a view keeps tool calls, results and odd bytes exactly") {
  auto id = start(store);
  auto view = test::tool_turn("x");
  view.front().tool_calls.front().raw_arguments = "{\"args\":";
  view.front().tool_calls.front().arguments = nullptr;
  view.push_back(Message::user("ümlaut, \"quotes\", a tab\t and a newline\n"));
  REQUIRE(store.record_compaction(id, {"pruned", 2, 1, view}));
  CHECK(resumed(store, id) == view);
}

TEST_CASE("a store written before compactions existed opens, keeps its sessions and compacts") {
  testing::TempDir dir;
  test::ManualClock clock;
  auto path = dir.path() / "sessions.db";
  {
    // Version 1 exactly as an earlier agentry left it, with a session of two messages.
    auto db = sqlite::Database::open(path);
    REQUIRE(db);
    REQUIRE(migrate(*db, session_store_migrations().first(1), 1));
    REQUIRE(db->exec(
        "INSERT INTO sessions VALUES ('01HZX3V9K2M4N6P8Q0R2S4T6V8', NULL, NULL, 'rust-pro', 'm', "
        "'p', '/w', 'old task', 'done', 'ok', 1, 2);"
        "INSERT INTO turns VALUES ('01HZX3V9K2M4N6P8Q0R2S4T6V8', 0, 0, 2, 10, 5, 3, 4, 0.5, 2);"
        "INSERT INTO messages VALUES ('01HZX3V9K2M4N6P8Q0R2S4T6V8', 0, 0, 'user', 'old task', "
        "NULL, NULL);"
        "INSERT INTO messages VALUES ('01HZX3V9K2M4N6P8Q0R2S4T6V8', 1, 0, 'assistant', 'done', "
        "NULL, NULL);"));
  }
  auto store = test::open_store(path, clock);
  const std::string id = "01HZX3V9K2M4N6P8Q0R2S4T6V8";
  CHECK(resumed(store, id) == std::vector{Message::user("old task"), Message::assistant("done")});
  auto usage = store.session_usage(id);
  REQUIRE(usage);
  CHECK(usage->tokens == Usage{10, 5, 3, 4});

  REQUIRE(store.record_compaction(id, summarised_to({Message::user("summary")})));
  add_turn(store, id, {Message::user("more")});
  CHECK(resumed(store, id) == std::vector{Message::user("summary"), Message::user("more")});
  auto db = sqlite::Database::open(path);
  REQUIRE(db);
  CHECK(*db->query_int("SELECT max(version) FROM schema_version") == 3);
}

TEST_CASE_FIXTURE(CompactionStore, "exports mark each compaction where it happened") {
  auto id = start(store);
  add_turn(store, id, {Message::user("Fix clippy"), Message::assistant("Looking.")});
  REQUIRE(store.record_compaction(
      id, summarised_to({Message::user("SUMMARY: one warning left"), Message::assistant("ok")})));
  add_turn(store, id, {Message::assistant("Fixed it.")});
  auto transcript = store.load_transcript(id);
  REQUIRE(transcript);

  CHECK(compaction_mark(transcript->compactions.front()) ==
        "— context compacted (summarised): 41,200 → 9,800 tokens —");
  CHECK(compaction_mark({0, 0, "pruned", 1234567, 999, {}, 0}) ==
        "— context compacted (pruned): 1,234,567 → 999 tokens —");

  auto jsonl = to_jsonl(*transcript);
  auto looking = jsonl.find("\"Looking.\"");
  auto mark = jsonl.find("{\"at_seq\":2,\"created_at_ms\":");
  auto fixed = jsonl.find("\"Fixed it.\"");
  REQUIRE(mark != std::string::npos);
  CHECK(looking < mark);
  CHECK(mark < fixed);
  CHECK(jsonl.find("\"how\":\"summarised\",\"index\":0,\"tokens_after\":9800,"
                   "\"tokens_before\":41200,\"type\":\"compaction\",\"view\":[{\"role\":\"user\","
                   "\"text\":\"SUMMARY: one warning left\"}") != std::string::npos);

  auto md = to_markdown(*transcript);
  auto md_mark = md.find("*— context compacted (summarised): 41,200 → 9,800 tokens —*");
  REQUIRE(md_mark != std::string::npos);
  CHECK(md.find("Looking.") < md_mark);
  CHECK(md_mark < md.find("Fixed it."));
  CHECK(md.find("SUMMARY: one warning left") > md_mark);
}

}  // namespace agentry::store
