#include <doctest/doctest.h>

#include "store/session_id.hpp"
#include "store/sqlite.hpp"
#include "store/store_test_helpers.hpp"
#include "support/temp_dir.hpp"

namespace agentry::store {

namespace {

using std::chrono::milliseconds;
using test::ManualClock;
using test::new_session;
using test::open_store;
using test::tool_turn;

SessionInfo create(SessionStore& store, const NewSession& s) {
  auto info = store.create_session(s);
  REQUIRE_MESSAGE(info, (info ? "" : info.error().to_string()));
  return *info;
}

std::int64_t append(SessionStore& store, const std::string& id, const std::vector<Message>& m,
                    TurnUsage usage = {}) {
  auto turn = store.append_turn(id, m, usage);
  REQUIRE_MESSAGE(turn, (turn ? "" : turn.error().to_string()));
  return *turn;
}

std::vector<std::string> ids_of(const std::vector<SessionInfo>& sessions) {
  std::vector<std::string> out;
  for (const auto& s : sessions)
    out.push_back(s.id);
  return out;
}

TurnUsage usage(std::int64_t in, std::int64_t out, std::optional<double> cost) {
  TurnUsage u;
  u.tokens.input_tokens = in;
  u.tokens.output_tokens = out;
  u.tokens.cache_read_tokens = in / 2;
  u.tokens.cache_write_tokens = 1;
  u.cost_usd = cost;
  return u;
}

}  // namespace

TEST_CASE("the default store lives in the user data directory") {
  Environment env;
  env.set("HOME", "/home/u");
  CHECK(default_session_db_path(env) == "/home/u/.local/share/agentry/sessions.db");
  env.set("XDG_DATA_HOME", "/data");
  CHECK(default_session_db_path(env) == "/data/agentry/sessions.db");
}

TEST_CASE("opening creates the directories and a WAL database at the current schema") {
  testing::TempDir dir;
  ManualClock clock;
  auto path = dir.path() / "a" / "b" / "sessions.db";
  {
    auto store = open_store(path, clock);
    CHECK(store.path() == path);
  }
  auto db = sqlite::Database::open(path);
  REQUIRE(db);
  CHECK(*db->query_text("PRAGMA journal_mode") == "wal");
  CHECK(*db->query_int("SELECT max(version) FROM schema_version") == 4);
  // Reopening an existing store works and does not migrate again.
  auto again = open_store(path, clock);
  CHECK(*db->query_int("SELECT count(*) FROM schema_version") == 4);
}

TEST_CASE("closing the store leaves its log for the next process, which sees every commit") {
  testing::TempDir dir;
  ManualClock clock;
  auto path = dir.path() / "sessions.db";
  auto wal = path;
  wal += "-wal";
  std::string id;
  {
    auto store = open_store(path, clock);
    id = create(store, new_session("/work/crate", "keep me")).id;
  }
  // No fold (checkpoint) at close: folding costs every short command two fsyncs.
  REQUIRE(std::filesystem::exists(wal));
  CHECK(std::filesystem::file_size(wal) > 0);
  auto store = open_store(path, clock);
  auto info = store.get_session(id);
  REQUIRE(info);
  CHECK(info->title == "keep me");

  // The log is folded at 256 pages and cut back to 2 MiB: 4 MiB of turns leave it small
  // (SQLite's default, 1000 pages, would let it reach 4 MiB).
  const std::string big(100 * 1024, 'x');
  for (int i = 0; i < 40; ++i)
    append(store, id, {Message::user(big + std::to_string(i))});
  CHECK(std::filesystem::file_size(wal) <= 2u * 1024 * 1024 + 200 * 1024);
}

TEST_CASE("a store written by a newer agentry is refused with a hint") {
  testing::TempDir dir;
  ManualClock clock;
  auto path = dir.path() / "sessions.db";
  { auto store = open_store(path, clock); }
  {
    auto db = sqlite::Database::open(path);
    REQUIRE(db);
    REQUIRE(db->exec("INSERT INTO schema_version VALUES (9, 0)"));
  }
  auto store = SessionStore::open(path);
  REQUIRE_FALSE(store);
  CHECK(store.error().code == ErrorCode::kConfig);
  CHECK(store.error().message == "session store has schema version 9, this agentry knows up to 4");
  CHECK(store.error().hint == "upgrade agentry, or point it at another session store file");
}

TEST_CASE("a new session is running, titled by the task's first line, and can be read back") {
  testing::TempDir dir;
  ManualClock clock;
  auto store = open_store(dir.path() / "s.db", clock);
  auto info = create(store, new_session("/w", "\n  Fix the clippy warnings  \nin crate foo"));
  CHECK(info.id.size() == kSessionIdLength);
  CHECK(info.title == "Fix the clippy warnings");
  CHECK(info.status == SessionStatus::kRunning);
  CHECK(info.result == std::nullopt);
  CHECK(info.parent_id == std::nullopt);
  CHECK(info.created_at_ms == clock.ms());
  CHECK(info.updated_at_ms == clock.ms());
  CHECK(info.agent == "rust-pro");
  CHECK(info.model == "gpt-test");
  CHECK(info.provider == "fake");
  CHECK(info.cwd == "/w");

  auto got = store.get_session(info.id);
  REQUIRE(got);
  CHECK(*got == info);
}

TEST_CASE("an unknown session is kNotFound everywhere") {
  testing::TempDir dir;
  ManualClock clock;
  auto store = open_store(dir.path() / "s.db", clock);
  const std::string missing = "01ARYZ6S410000000000000000";
  auto got = store.get_session(missing);
  REQUIRE_FALSE(got);
  CHECK(got.error().code == ErrorCode::kNotFound);
  CHECK(got.error().message == "no session '01ARYZ6S410000000000000000'");
  CHECK(got.error().hint == "list sessions with `agentry sessions list`");
  CHECK(store.append_turn(missing, tool_turn("a"), {}).error().code == ErrorCode::kNotFound);
  CHECK(store.finish_session(missing, SessionStatus::kDone, "x").error().code ==
        ErrorCode::kNotFound);
  CHECK(store.reopen_session(missing).error().code == ErrorCode::kNotFound);
  CHECK(store.load_messages(missing).error().code == ErrorCode::kNotFound);
  CHECK(store.children(missing).error().code == ErrorCode::kNotFound);
  CHECK(store.session_usage(missing).error().code == ErrorCode::kNotFound);
  CHECK(store.tree_usage(missing).error().code == ErrorCode::kNotFound);
  CHECK(store.load_transcript(missing).error().code == ErrorCode::kNotFound);

  auto orphan = new_session();
  orphan.parent_id = missing;
  auto created = store.create_session(orphan);
  REQUIRE_FALSE(created);
  CHECK(created.error().code == ErrorCode::kNotFound);
  CHECK(created.error().message == "parent session '01ARYZ6S410000000000000000' does not exist");
  CHECK(store.list_sessions({})->empty());
}

TEST_CASE("every Message field round-trips exactly, nothing but the message is stored") {
  testing::TempDir dir;
  ManualClock clock;
  auto store = open_store(dir.path() / "s.db", clock);
  auto id = create(store, new_session()).id;

  std::vector<Message> messages;
  messages.push_back(Message::user("Fix ✓ «this»\n\twith a NUL: " + std::string(1, '\0') + "!"));
  ToolCall nested{"call_1", "edit_file",
                  nlohmann::json{{"path", "src/lib.rs"},
                                 {"edits", {{{"old", "a"}, {"new", "b"}}, 42, nullptr, 1.5, true}},
                                 {"empty", nlohmann::json::object()}},
                  ""};
  ToolCall broken{"call_2", "cargo_check", nlohmann::json(nullptr), "{\"oops\":"};
  messages.push_back(Message::assistant("", {nested, broken}));
  messages.push_back(Message::tool({{"call_1", "edit_file", "edited 1 line", false},
                                    {"call_2", "cargo_check", "arguments are not JSON", true}}));
  messages.push_back(Message::assistant("Done.\n"));
  Message both = Message::assistant("text and calls", {nested});
  both.tool_results = {{"x", "y", "", false}};  // odd, but it must survive as written
  messages.push_back(both);
  messages.push_back(Message::user(""));
  Message thought = Message::assistant("After thinking.", {nested});
  thought.thinking = {
      {"Step one.", "anthropic",
       nlohmann::json{{"type", "thinking"}, {"thinking", "Step one."}, {"signature", "c2ln"}}},
      {"", "anthropic", nlohmann::json{{"type", "redacted_thinking"}, {"data", "b3BhcXVl"}}},
      {"Shown only.", "openai", nullptr}};
  messages.push_back(thought);

  CHECK(append(store, id, messages, usage(10, 5, 0.5)) == 0);
  auto loaded = store.load_messages(id);
  REQUIRE(loaded);
  CHECK(*loaded == messages);
}

TEST_CASE("turns number messages densely and keep their usage") {
  testing::TempDir dir;
  ManualClock clock;
  auto store = open_store(dir.path() / "s.db", clock);
  auto id = create(store, new_session()).id;
  clock.advance(milliseconds(5));
  CHECK(append(store, id, {Message::user("go")}) == 0);
  clock.advance(milliseconds(5));
  CHECK(append(store, id, tool_turn("a"), usage(100, 20, 0.01)) == 1);
  clock.advance(milliseconds(5));
  CHECK(append(store, id, {}, usage(1, 1, std::nullopt)) == 2);  // usage only
  clock.advance(milliseconds(5));
  CHECK(append(store, id, tool_turn("b"), usage(200, 30, 0.02)) == 3);

  auto t = store.load_transcript(id);
  REQUIRE(t);
  REQUIRE(t->messages.size() == 5);
  for (std::size_t i = 0; i < 5; ++i)
    CHECK(t->messages[i].seq == static_cast<std::int64_t>(i));
  CHECK(t->messages[0].turn == 0);
  CHECK(t->messages[2].turn == 1);
  CHECK(t->messages[4].turn == 3);
  CHECK(t->messages[4].message.tool_results[0].call_id == "call_b");
  REQUIRE(t->turns.size() == 4);
  CHECK(t->turns[0] == TurnRecord{0, 0, 1, {}, clock.ms() - 15});
  CHECK(t->turns[1] == TurnRecord{1, 1, 2, usage(100, 20, 0.01), clock.ms() - 10});
  CHECK(t->turns[2] == TurnRecord{2, 3, 0, usage(1, 1, std::nullopt), clock.ms() - 5});
  CHECK(t->turns[3] == TurnRecord{3, 3, 2, usage(200, 30, 0.02), clock.ms()});
  CHECK(t->session.updated_at_ms == clock.ms());
  CHECK(t->session.created_at_ms == clock.ms() - 20);
}

TEST_CASE("finishing records status and result, reopening makes it running again") {
  testing::TempDir dir;
  ManualClock clock;
  auto store = open_store(dir.path() / "s.db", clock);
  auto id = create(store, new_session()).id;
  clock.advance(milliseconds(7));
  REQUIRE(store.finish_session(id, SessionStatus::kDone, "All clean."));
  auto done = store.get_session(id);
  CHECK(done->status == SessionStatus::kDone);
  CHECK(done->result == "All clean.");
  CHECK(done->updated_at_ms == clock.ms());

  REQUIRE(store.finish_session(id, SessionStatus::kCancelled, ""));
  CHECK(store.get_session(id)->status == SessionStatus::kCancelled);
  CHECK(store.get_session(id)->result == "");

  REQUIRE(store.reopen_session(id));
  CHECK(store.get_session(id)->status == SessionStatus::kRunning);
  CHECK(store.get_session(id)->result == std::nullopt);

  auto bad = store.finish_session(id, SessionStatus::kRunning, "");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::kInternal);
}

TEST_CASE("listing filters by directory and roots, newest first, with a limit") {
  testing::TempDir dir;
  ManualClock clock;
  auto store = open_store(dir.path() / "s.db", clock);
  auto a = create(store, new_session("/x", "a")).id;
  clock.advance(milliseconds(1));
  auto b = create(store, new_session("/y", "b")).id;
  clock.advance(milliseconds(1));
  auto child_of_a = new_session("/x", "child");
  child_of_a.parent_id = a;
  child_of_a.parent_tool_call_id = "call_9";
  auto c = create(store, child_of_a);
  CHECK(c.parent_id == a);
  CHECK(c.parent_tool_call_id == "call_9");
  clock.advance(milliseconds(1));
  auto d = create(store, new_session("/x", "d")).id;

  CHECK(ids_of(*store.list_sessions({})) == std::vector{d, c.id, b, a});
  CHECK(ids_of(*store.list_sessions({"/x", false, std::nullopt})) == std::vector{d, c.id, a});
  CHECK(ids_of(*store.list_sessions({"/x", true, std::nullopt})) == std::vector{d, a});
  CHECK(ids_of(*store.list_sessions({std::nullopt, true, 2})) == std::vector{d, b});
  CHECK(store.list_sessions({"/nowhere", false, std::nullopt})->empty());

  // Touching a older session moves it to the front.
  clock.advance(milliseconds(1));
  append(store, a, {Message::user("more")});
  CHECK(ids_of(*store.list_sessions({std::nullopt, true, std::nullopt})) == std::vector{a, d, b});
}

TEST_CASE("--continue finds the latest root session of the directory") {
  testing::TempDir dir;
  ManualClock clock;
  auto store = open_store(dir.path() / "s.db", clock);
  auto none = store.latest_session_for_cwd("/x");
  REQUIRE_FALSE(none);
  CHECK(none.error().code == ErrorCode::kNotFound);
  CHECK(none.error().message == "no session to continue in this directory");
  CHECK(none.error().where == "/x");

  auto older = create(store, new_session("/x", "older")).id;
  clock.advance(milliseconds(1));
  auto newer = create(store, new_session("/x", "newer")).id;
  clock.advance(milliseconds(1));
  create(store, new_session("/y", "elsewhere"));
  clock.advance(milliseconds(1));
  auto sub = new_session("/x", "subagent");
  sub.parent_id = older;
  create(store, sub);  // a subagent is never what --continue resumes

  CHECK(store.latest_session_for_cwd("/x")->id == newer);
  clock.advance(milliseconds(1));
  REQUIRE(store.finish_session(older, SessionStatus::kDone, "ok"));
  CHECK(store.latest_session_for_cwd("/x")->id == older);
}

TEST_CASE("the agent tree: children oldest first, usage per session and per tree") {
  testing::TempDir dir;
  ManualClock clock;
  auto store = open_store(dir.path() / "s.db", clock);
  auto root = create(store, new_session("/x", "root")).id;
  auto child_spec = new_session("/x", "child");
  child_spec.parent_id = root;
  auto c1 = create(store, child_spec).id;
  clock.advance(milliseconds(1));
  auto c2 = create(store, child_spec).id;
  auto grandchild_spec = new_session("/x", "grandchild");
  grandchild_spec.parent_id = c1;
  auto g = create(store, grandchild_spec).id;

  append(store, root, tool_turn("r"), usage(100, 10, 0.25));
  append(store, c1, tool_turn("c1"), usage(50, 5, std::nullopt));
  append(store, c2, tool_turn("c2"), usage(20, 2, 0.5));
  append(store, g, tool_turn("g"), usage(8, 1, 0.125));
  append(store, g, tool_turn("g2"), usage(2, 1, 0.125));

  CHECK(ids_of(*store.children(root)) == std::vector{c1, c2});
  CHECK(ids_of(*store.children(c1)) == std::vector{g});
  CHECK(store.children(g)->empty());

  UsageTotals root_only;
  root_only.tokens = {100, 10, 50, 1};
  root_only.cost_usd = 0.25;
  root_only.turns = 1;
  root_only.sessions = 1;
  CHECK(*store.session_usage(root) == root_only);

  UsageTotals unpriced;
  unpriced.tokens = {50, 5, 25, 1};
  unpriced.turns = 1;
  unpriced.unpriced_turns = 1;
  unpriced.sessions = 1;
  CHECK(*store.session_usage(c1) == unpriced);

  UsageTotals tree;
  tree.tokens = {180, 19, 90, 5};
  tree.cost_usd = 1.0;
  tree.turns = 5;
  tree.unpriced_turns = 1;
  tree.sessions = 4;
  CHECK(*store.tree_usage(root) == tree);

  UsageTotals empty;
  empty.sessions = 1;
  auto lone = create(store, new_session()).id;
  CHECK(*store.session_usage(lone) == empty);
}

TEST_CASE("a unique id prefix resolves like a git short hash") {
  testing::TempDir dir;
  ManualClock clock;
  auto store = open_store(dir.path() / "s.db", clock);
  auto a = create(store, new_session("/x", "first")).id;
  clock.advance(milliseconds(1LL << 40));  // far apart: ids differ from the 2nd character
  auto b = create(store, new_session("/x", "second")).id;
  REQUIRE(a.substr(0, 1) == b.substr(0, 1));
  REQUIRE(a.substr(0, 2) != b.substr(0, 2));

  CHECK(*store.resolve_id(a) == a);
  CHECK(*store.resolve_id(a.substr(0, 2)) == a);
  CHECK(*store.resolve_id(canonical_session_id(b.substr(0, 4))) == b);
  std::string lower = b.substr(0, 5);
  for (char& ch : lower)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  CHECK(*store.resolve_id(lower) == b);

  auto ambiguous = store.resolve_id(a.substr(0, 1));
  REQUIRE_FALSE(ambiguous);
  CHECK(ambiguous.error().code == ErrorCode::kUsage);
  CHECK(ambiguous.error().message == "session id prefix '" + a.substr(0, 1) +
                                         "' is ambiguous: " + a + " (first), " + b + " (second)");
  CHECK(ambiguous.error().hint == "give more characters of the id");

  auto none = store.resolve_id("ZZZ");
  REQUIRE_FALSE(none);
  CHECK(none.error().code == ErrorCode::kNotFound);
  CHECK(none.error().message == "no session 'ZZZ'");

  auto malformed = store.resolve_id("01-");
  REQUIRE_FALSE(malformed);
  CHECK(malformed.error().code == ErrorCode::kUsage);
  CHECK(malformed.error().message == "'01-' is not a session id");
}

TEST_CASE("an ambiguous prefix lists at most ten candidates") {
  testing::TempDir dir;
  ManualClock clock;
  auto store = open_store(dir.path() / "s.db", clock);
  for (int i = 0; i < 12; ++i)
    create(store, new_session("/x", "t"));
  auto ambiguous = store.resolve_id("0");
  REQUIRE_FALSE(ambiguous);
  const auto& message = ambiguous.error().message;
  CHECK(std::count(message.begin(), message.end(), '(') == 10);
  CHECK(message.substr(message.size() - 5) == ", …");
}

TEST_CASE("the transcript bundles session, messages, turns and children") {
  testing::TempDir dir;
  ManualClock clock;
  auto store = open_store(dir.path() / "s.db", clock);
  auto root = create(store, new_session("/x", "root"));
  auto spec = new_session("/x", "child");
  spec.parent_id = root.id;
  auto child = create(store, spec);
  append(store, root.id, {Message::user("hi")}, usage(3, 4, 0.5));
  REQUIRE(store.finish_session(root.id, SessionStatus::kError, "model unavailable"));

  auto t = store.load_transcript(root.id);
  REQUIRE(t);
  CHECK(t->session == *store.get_session(root.id));
  CHECK(t->messages == std::vector<StoredMessage>{{0, 0, Message::user("hi")}});
  CHECK(t->turns == std::vector<TurnRecord>{{0, 0, 1, usage(3, 4, 0.5), clock.ms()}});
  CHECK(t->children == std::vector<SessionInfo>{child});
}

}  // namespace agentry::store
