// Session store and batch journal throughput: append_turn per second (both sync modes),
// resuming a long session, and journal appends with their fsyncs.
#include <filesystem>
#include <stdexcept>
#include <stdlib.h>
#include <string>

#include <benchmark/benchmark.h>

#include "store/batch_journal.hpp"
#include "store/session_store.hpp"

namespace {

using namespace agentry;
using namespace agentry::store;

/// A scratch directory under $TMPDIR (or /tmp), removed afterwards.
struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "agentry-bench-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

/// A typical tool turn: the assistant calls clippy, the tool answers with ~2 KB of output.
std::vector<Message> typical_turn() {
  ToolCall call{"call_1", "cargo_clippy", nlohmann::json{{"args", {"--", "-D", "warnings"}}}, ""};
  ToolResult result{"call_1", "cargo_clippy", std::string(2000, 'w'), false};
  return {Message::assistant("Let me run clippy.", {call}), Message::tool({result})};
}

SessionStore open_store(const std::filesystem::path& path, StoreOptions::Sync sync) {
  StoreOptions options;
  options.sync = sync;
  auto store = SessionStore::open(path, options);
  if (!store) throw std::runtime_error(store.error().to_string());
  return std::move(*store);
}

std::string new_session_id(SessionStore& store) {
  NewSession s{"rust-pro", "gpt-test", "fake", "/bench", "bench", std::nullopt, std::nullopt};
  return store.create_session(s).value().id;
}

void BM_AppendTurn(benchmark::State& state) {
  ScratchDir dir;
  auto sync = state.range(0) == 0 ? StoreOptions::Sync::kFull : StoreOptions::Sync::kNormal;
  auto store = open_store(dir.path / "sessions.db", sync);
  auto id = new_session_id(store);
  auto turn = typical_turn();
  TurnUsage usage{{1000, 100, 500, 0}, 0.001};
  for (auto _ : state) {
    if (!store.append_turn(id, turn, usage)) state.SkipWithError("append_turn failed");
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(state.range(0) == 0 ? "sync=full" : "sync=normal");
}
BENCHMARK(BM_AppendTurn)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_CreateSession(benchmark::State& state) {
  ScratchDir dir;
  auto store = open_store(dir.path / "sessions.db", StoreOptions::Sync::kFull);
  for (auto _ : state)
    benchmark::DoNotOptimize(new_session_id(store));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CreateSession)->Unit(benchmark::kMicrosecond);

void BM_LoadMessages(benchmark::State& state) {
  ScratchDir dir;
  auto store = open_store(dir.path / "sessions.db", StoreOptions::Sync::kNormal);
  auto id = new_session_id(store);
  auto turn = typical_turn();
  for (int i = 0; i < state.range(0) / 2; ++i)
    (void)store.append_turn(id, turn, {});
  for (auto _ : state) {
    auto messages = store.load_messages(id);
    benchmark::DoNotOptimize(messages);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_LoadMessages)->Arg(20)->Arg(200)->Unit(benchmark::kMicrosecond);

void BM_OpenStore(benchmark::State& state) {
  ScratchDir dir;
  { auto first = open_store(dir.path / "sessions.db", StoreOptions::Sync::kFull); }
  for (auto _ : state) {
    auto store = open_store(dir.path / "sessions.db", StoreOptions::Sync::kFull);
    benchmark::DoNotOptimize(store);
  }
}
BENCHMARK(BM_OpenStore)->Unit(benchmark::kMicrosecond);

void BM_JournalAppend(benchmark::State& state) {
  ScratchDir dir;
  auto writer = BatchJournalWriter::open(dir.path / "results.jsonl");
  if (!writer) throw std::runtime_error(writer.error().to_string());
  nlohmann::json record = {{"id", "t"},
                           {"task_hash", "0123456789abcdef"},
                           {"status", "ok"},
                           {"result", std::string(500, 'r')},
                           {"duration_ms", 1234}};
  for (auto _ : state) {
    if (!writer->append(record)) state.SkipWithError("append failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JournalAppend)->Unit(benchmark::kMicrosecond);

}  // namespace
