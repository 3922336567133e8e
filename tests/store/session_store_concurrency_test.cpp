#include <map>
#include <thread>

#include <doctest/doctest.h>

#include "store/child_process.hpp"
#include "store/store_test_helpers.hpp"
#include "support/temp_dir.hpp"

namespace agentry::store {

namespace {

using test::fork_child;
using test::new_session;
using test::Pipe;
using test::wait_child;

/// A turn whose two messages both carry `tag`, so a test can tell turns apart after the fact.
std::vector<Message> tagged_turn(const std::string& tag) {
  return {Message::assistant("a " + tag), Message::tool({{"c", "t", "r " + tag, false}})};
}

/// Every turn of `id` is whole and its messages are contiguous; returns the tags in turn order.
std::vector<std::string> check_whole_turns(const SessionStore& store, const std::string& id) {
  auto t = store.load_transcript(id);
  REQUIRE(t);
  std::vector<std::string> tags;
  std::int64_t seq = 0;
  for (const auto& turn : t->turns) {
    REQUIRE(turn.message_count == 2);
    CHECK(turn.first_seq == seq);
    const auto& a = t->messages[static_cast<std::size_t>(seq)];
    const auto& b = t->messages[static_cast<std::size_t>(seq + 1)];
    CHECK(a.turn == turn.turn);
    CHECK(b.turn == turn.turn);
    std::string tag = a.message.text.substr(2);
    CHECK(b.message.tool_results.at(0).content == "r " + tag);
    tags.push_back(tag);
    seq += 2;
  }
  CHECK(static_cast<std::size_t>(seq) == t->messages.size());
  return tags;
}

}  // namespace

TEST_CASE("threads share one store: every turn lands whole, seqs stay dense") {
  testing::TempDir dir;
  auto opened = SessionStore::open(dir.path() / "s.db");
  REQUIRE(opened);
  SessionStore& store = *opened;
  auto shared = store.create_session(new_session("/x", "shared"))->id;

  constexpr int kThreads = 8;
  constexpr int kTurns = 30;
  std::vector<std::string> own(kThreads);
  std::vector<int> failures(kThreads, 0);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        auto mine = store.create_session(new_session("/x", "thread " + std::to_string(t)));
        if (!mine) {
          ++failures[t];
          return;
        }
        own[t] = mine->id;
        for (int i = 0; i < kTurns; ++i) {
          std::string tag = std::to_string(t) + "." + std::to_string(i);
          if (!store.append_turn(mine->id, tagged_turn(tag), {})) ++failures[t];
          if (!store.append_turn(shared, tagged_turn(tag), {})) ++failures[t];
          if (!store.load_messages(shared)) ++failures[t];
        }
      });
    }
  }
  CHECK(failures == std::vector<int>(kThreads, 0));

  auto shared_tags = check_whole_turns(store, shared);
  CHECK(shared_tags.size() == kThreads * kTurns);
  // Each thread's turns appear in the order that thread wrote them.
  std::map<std::string, int> next_per_thread;
  for (const auto& tag : shared_tags) {
    auto dot = tag.find('.');
    auto thread = tag.substr(0, dot);
    CHECK(std::stoi(tag.substr(dot + 1)) == next_per_thread[thread]++);
  }
  for (int t = 0; t < kThreads; ++t) {
    CHECK(check_whole_turns(store, own[t]).size() == kTurns);
  }
  CHECK(store.list_sessions({})->size() == kThreads + 1);
}

TEST_CASE("processes opening a new store at once and appending to one session all succeed") {
  testing::TempDir dir;
  auto path = dir.path() / "sessions.db";
  constexpr int kProcesses = 4;
  constexpr int kTurns = 25;

  // The children wait on the pipe so that they race through open() and migration together.
  Pipe start;
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    children.push_back(fork_child([&, p] {
      start.close_write();
      if (!start.read_bytes(1)) return 2;
      auto store = SessionStore::open(path);
      if (!store) return 3;
      auto mine = store->create_session(new_session("/p", "process " + std::to_string(p)));
      if (!mine) return 4;
      for (int i = 0; i < kTurns; ++i) {
        if (!store->append_turn(mine->id, tagged_turn(std::to_string(p) + "." + std::to_string(i)),
                                {}))
          return 5;
      }
      return 0;
    }));
  }
  start.close_read();
  for (int p = 0; p < kProcesses; ++p)
    start.write_byte();
  for (pid_t pid : children)
    CHECK(wait_child(pid) == 0);

  auto store = SessionStore::open(path);
  REQUIRE(store);
  auto sessions = store->list_sessions({});
  REQUIRE(sessions->size() == kProcesses);
  for (const auto& s : *sessions)
    CHECK(check_whole_turns(*store, s.id).size() == kTurns);
}

TEST_CASE("processes appending to the same session interleave whole turns") {
  testing::TempDir dir;
  auto path = dir.path() / "sessions.db";
  std::string shared;
  {
    auto store = SessionStore::open(path);
    REQUIRE(store);
    shared = store->create_session(new_session("/p", "shared"))->id;
  }
  constexpr int kProcesses = 3;
  constexpr int kTurns = 30;
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    children.push_back(fork_child([&, p] {
      StoreOptions options;
      options.sync = StoreOptions::Sync::kNormal;
      auto store = SessionStore::open(path, options);
      if (!store) return 3;
      for (int i = 0; i < kTurns; ++i) {
        if (!store->append_turn(shared, tagged_turn(std::to_string(p) + "." + std::to_string(i)),
                                {}))
          return 5;
      }
      return 0;
    }));
  }
  for (pid_t pid : children)
    CHECK(wait_child(pid) == 0);

  auto store = SessionStore::open(path);
  REQUIRE(store);
  CHECK(check_whole_turns(*store, shared).size() == kProcesses * kTurns);
}

}  // namespace agentry::store
