// Undo over the store (issue 18): StoreChangeJournal snapshots around writing calls, Undo puts
// back the exact bytes, deletes what a call created, refuses conflicts unless forced, is a
// no-op the second time, and tells the conversation.
#include "engine/undo.hpp"

#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

#include "engine/rig.hpp"
#include "engine/store_change_journal.hpp"
#include "store/sha256.hpp"
#include "support/temp_dir.hpp"

namespace agentry::engine {

namespace {

namespace fs = std::filesystem;

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_bytes(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

struct UndoRig {
  ::agentry::testing::TempDir dir;
  fs::path ws = dir.path() / "ws";
  store::SessionStore store = [&] {
    fs::create_directories(ws);
    auto s = store::SessionStore::open(dir.path() / "s.db");
    REQUIRE(s);
    return std::move(*s);
  }();
  StoreChangeJournal journal{store};
  std::string root = session({});

  std::string session(std::optional<std::string> parent) {
    store::NewSession s{"rust-pro",
                        "m",
                        "p",
                        fs::weakly_canonical(ws).string(),
                        "task",
                        parent,
                        parent ? std::optional<std::string>("call_task") : std::nullopt};
    auto info = store.create_session(s);
    REQUIRE(info);
    return info->id;
  }
  /// A turn of the top-level session starting with the user's `text`.
  void user_turn(const std::string& text) {
    REQUIRE(store.append_turn(root, std::vector{Message::user(text)}, {}));
  }
  /// A writing call of `session` that runs `change` between the journal's before and after.
  template <class Change>
  void call(const std::string& session, const std::string& id, nlohmann::json args, Change change) {
    ToolCall c{id, args.contains("path") ? "write_file" : "rustfmt", std::move(args), ""};
    REQUIRE(journal.before(session, c, fs::weakly_canonical(ws)));
    change();
    REQUIRE(journal.after(session, c));
  }
};

}  // namespace

TEST_CASE(
    "undo puts back the exact bytes of a session and its subagent, and deletes created files") {
  UndoRig rig;
  std::string original("fn main() {}\r\n\0\xfe tail", 20);
  write_bytes(rig.ws / "src/main.rs", original);
  write_bytes(rig.ws / "notes.txt", "untouched");
  auto hash = store::sha256_hex(original);

  rig.user_turn("first task");
  rig.call(rig.root, "c1", {{"path", "src/main.rs"}},
           [&] { write_bytes(rig.ws / "src/main.rs", "fn main() { edited(); }\n"); });
  auto child = rig.session(rig.root);
  rig.call(child, "c2", {{"path", "src/new.rs"}},
           [&] { write_bytes(rig.ws / "src/new.rs", "new\n"); });
  // A crate-wide call (rustfmt apply): every source is snapshotted, only what changed recorded.
  rig.call(child, "c3", {{"mode", "apply"}},
           [&] { write_bytes(rig.ws / "src/main.rs", "fn main() {\n    edited();\n}\n"); });
  auto changes = rig.store.file_changes(rig.root);
  REQUIRE(changes);
  CHECK(changes->size() == 3);

  Undo undo(rig.store);
  auto plan = undo.plan(rig.root, {});
  REQUIRE(plan);
  REQUIRE(plan->files.size() == 2);
  CHECK(plan->conflicts().empty());
  auto diff = Undo::diff(*plan);
  CHECK(diff.find("-    edited();") != std::string::npos);
  CHECK(diff.find("(deleted: src/new.rs)") != std::string::npos);
  auto note = undo.apply(*plan, false);
  REQUIRE_MESSAGE(note, (note ? "" : note.error().to_string()));
  CHECK(store::sha256_hex(read_bytes(rig.ws / "src/main.rs")) == hash);
  CHECK_FALSE(fs::exists(rig.ws / "src/new.rs"));
  CHECK(read_bytes(rig.ws / "notes.txt") == "untouched");
  CHECK(*note ==
        "[agentry: the user undid the file changes of session " + rig.root +
            ". Back as they were before: src/main.rs. Deleted (they did not exist before): "
            "src/new.rs. Read them again before you change them.]");
  auto messages = rig.store.load_messages(rig.root);
  REQUIRE(messages);
  CHECK(messages->back() == Message::user(*note));

  // Twice: nothing left to undo, nothing touched.
  auto again = undo.plan(rig.root, {});
  REQUIRE(again);
  CHECK(again->files.empty());
  CHECK(again->nothing ==
        "nothing to undo: the changes of session " + rig.root + " were already undone");
}

TEST_CASE("a file changed since by someone else is a conflict: refused unless forced") {
  UndoRig rig;
  write_bytes(rig.ws / "a.rs", "one\n");
  write_bytes(rig.ws / "b.rs", "bee\n");
  rig.user_turn("task");
  rig.call(rig.root, "c1", {{"path", "a.rs"}}, [&] { write_bytes(rig.ws / "a.rs", "two\n"); });
  rig.call(rig.root, "c2", {{"path", "b.rs"}}, [&] { write_bytes(rig.ws / "b.rs", "BEE\n"); });
  write_bytes(rig.ws / "a.rs", "three, by hand\n");

  Undo undo(rig.store);
  auto plan = undo.plan(rig.root, {});
  REQUIRE(plan);
  CHECK(plan->conflicts() == std::vector<std::string>{"a.rs"});
  auto refused = undo.apply(*plan, false);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::kPermission);
  CHECK(refused.error().message ==
        "a.rs changed since the agent last changed it, by someone else; nothing was undone");
  CHECK(read_bytes(rig.ws / "a.rs") == "three, by hand\n");
  CHECK(read_bytes(rig.ws / "b.rs") == "BEE\n");

  REQUIRE(undo.apply(*plan, true));
  CHECK(read_bytes(rig.ws / "a.rs") == "one\n");
  CHECK(read_bytes(rig.ws / "b.rs") == "bee\n");
}

TEST_CASE("the last turn, or every turn from one on: turns are the user's messages") {
  UndoRig rig;
  write_bytes(rig.ws / "a.rs", "v0");
  // As the engine records: a turn's calls run, then the turn (the user's message first) is
  // appended.
  rig.call(rig.root, "c1", {{"path", "a.rs"}}, [&] { write_bytes(rig.ws / "a.rs", "v1"); });
  rig.user_turn("make it v1");  // turn 0
  REQUIRE(rig.store.append_turn(rig.root, std::vector{Message::assistant("done")}, {}));
  rig.call(rig.root, "c2", {{"path", "a.rs"}}, [&] { write_bytes(rig.ws / "a.rs", "v2"); });
  rig.user_turn("make it v2");  // turn 2
  rig.call(rig.root, "c3", {{"path", "a.rs"}}, [&] { write_bytes(rig.ws / "a.rs", "v3"); });
  rig.user_turn("make it v3");  // turn 3

  Undo undo(rig.store);
  auto turns = undo.turns(rig.root);
  REQUIRE(turns);
  REQUIRE(turns->size() == 3);
  CHECK((*turns)[0].turn == 0);
  CHECK((*turns)[0].prompt == "make it v1");
  CHECK((*turns)[1].turn == 2);
  CHECK((*turns)[2].files == std::vector<std::string>{"a.rs"});

  auto last = undo.plan(rig.root, {UndoScope::Kind::kLastTurn, 0});
  REQUIRE(last);
  CHECK(last->what == "turn 3");
  REQUIRE(undo.apply(*last, false));
  CHECK(read_bytes(rig.ws / "a.rs") == "v2");
  // /undo again: the last turn's changes are undone already (the note is no turn with changes).
  auto twice = undo.plan(rig.root, {UndoScope::Kind::kLastTurn, 0});
  REQUIRE(twice);
  CHECK(twice->nothing == "nothing to undo: the changes of turn 3 were already undone");

  auto rewind = undo.plan(rig.root, {UndoScope::Kind::kFromTurn, 2});
  REQUIRE(rewind);
  CHECK(rewind->what == "turn 2");
  REQUIRE(undo.apply(*rewind, false));
  CHECK(read_bytes(rig.ws / "a.rs") == "v1");
  CHECK(undo.plan(rig.root, {UndoScope::Kind::kFromTurn, 9}).error().code == ErrorCode::kNotFound);
  CHECK(undo.turns(rig.root)->at(1).undone);
  CHECK_FALSE(undo.turns(rig.root)->at(0).undone);
}

}  // namespace agentry::engine

namespace agentry::engine {

namespace {

/// Records the journal calls the engine makes, in order.
class RecordingJournal : public ChangeJournal {
 public:
  Result<void> before(const std::string& session_id, const ToolCall& call,
                      const std::filesystem::path&) override {
    std::lock_guard lock(mutex);
    seen.push_back("before " + call.id + " " + session_id);
    return fail(ErrorCode::kIo, "disk full");  // a failure loses the record, not the call
  }
  Result<void> after(const std::string& session_id, const ToolCall& call) override {
    std::lock_guard lock(mutex);
    seen.push_back("after " + call.id + " " + session_id);
    return {};
  }
  std::mutex mutex;
  std::vector<std::string> seen;
};

}  // namespace

TEST_CASE("the engine journals writing calls only, each under the session that makes it") {
  testing::Rig rig;
  RecordingJournal journal;
  rig.catalog.add(
      testing::agent("lead", agents::AgentMode::kPrimary, std::vector<std::string>{"*"}));
  rig.provider->push_calls(
      {testing::call(
           "t1", "task",
           {{"description", "edit"}, {"prompt", "edit it"}, {"subagent_type", "rust-pro"}}),
       testing::call("w1", "write_file", {{"path", "a.rs"}, {"content", "x"}})});
  rig.provider->push_calls({testing::call("r1", "read_file", {{"path", "a.rs"}}),
                            testing::call("e1", "edit_file", {{"path", "a.rs"}})});
  rig.provider->push_text("edited");  // rust-pro
  rig.provider->push_text("done");    // lead
  rig.make().set_change_journal(&journal);
  RunRequest request;
  request.agent = "lead";
  request.task = "edit";
  request.cwd = std::filesystem::temp_directory_path();
  auto result = rig.engine->run(request, {});
  REQUIRE(result);
  std::string child;
  for (const auto& e : rig.events.of<SubagentStarted>())
    child = e.child_session_id;
  REQUIRE_FALSE(child.empty());
  CHECK(journal.seen == std::vector<std::string>{"before e1 " + child, "after e1 " + child,
                                                 "before w1 " + result->session_id,
                                                 "after w1 " + result->session_id});
  CHECK(rig.tools.calls.size() == 3);  // the journal's failure did not stop the write
}

}  // namespace agentry::engine

namespace agentry::engine {

TEST_CASE("undo never writes through a folder swapped for a symlink leading out") {
  UndoRig rig;
  write_bytes(rig.ws / "src/a.rs", "before");
  rig.user_turn("task");
  rig.call(rig.root, "c1", {{"path", "src/a.rs"}},
           [&] { write_bytes(rig.ws / "src/a.rs", "after"); });
  auto outside = rig.dir.path() / "outside";
  fs::create_directories(outside);
  write_bytes(outside / "a.rs", "after");
  fs::remove_all(rig.ws / "src");
  fs::create_directory_symlink(outside, rig.ws / "src");

  Undo undo(rig.store);
  auto plan = undo.plan(rig.root, {});
  REQUIRE_FALSE(plan);
  CHECK(plan.error().code == ErrorCode::kPermission);
  CHECK(plan.error().message.find("outside the session's directory") != std::string::npos);
  CHECK(read_bytes(outside / "a.rs") == "after");
}

}  // namespace agentry::engine
