// `agentry batch` end to end: the real binary, the real engine and tools, real cargo, and the
// scripted fake LLM server on 127.0.0.1.
#include <fstream>
#include <random>
#include <set>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "batch/agentry_process.hpp"
#include "core/config.hpp"
#include "fakellm/fake_llm_server.hpp"
#include "store/batch_journal.hpp"
#include "support/temp_dir.hpp"

namespace agentry::batch {

namespace fs = std::filesystem;
using agentry::testing::fixtures_dir;
using agentry::testing::read_file;
using agentry::testing::TempDir;
using nlohmann::json;
using testing::batch_environment;
using testing::Ran;
using testing::run_agentry;

namespace {

std::unique_ptr<fakellm::FakeLlmServer> start_fake(std::string_view yaml) {
  auto doc = yaml_to_json(yaml, "script");
  REQUIRE(doc.has_value());
  auto script = fakellm::parse_script(*doc);
  REQUIRE_MESSAGE(script.has_value(), (script ? "" : script.error().to_string()));
  auto server = fakellm::FakeLlmServer::start(std::move(*script));
  REQUIRE(server.has_value());
  return std::move(*server);
}

std::vector<json> read_results(const fs::path& path) {
  auto journal = store::read_batch_journal(path);
  REQUIRE_MESSAGE(journal.has_value(), (journal ? "" : journal.error().to_string()));
  return journal->records;
}

/// What a task came to, without when, where, or in which session it ran.
json outcome_of(json record) {
  for (const char* field : {"finished_at", "duration_ms", "shard", "session_id"})
    record.erase(field);
  if (record["check"].is_object()) {
    for (auto& c : record["check"]["commands"])
      c.erase("duration_ms");
  }
  return record;
}

std::map<std::string, json> by_id(const std::vector<json>& records) {
  std::map<std::string, json> out;
  for (const auto& r : records)
    out[r["id"].get<std::string>()] = outcome_of(r);
  return out;
}

void copy_crate(const std::string& name, const fs::path& to) {
  fs::create_directories(to);
  fs::copy(fixtures_dir() / "crates" / name, to, fs::copy_options::recursive);
}

/// Two model turns per task: read the task's note, then answer.
constexpr std::string_view kReadThenAnswer = R"(
turns:
  - when: {turn: 1}
    tool_calls:
      - {id: call_1, name: read_file, arguments: {path: note.txt}}
    usage: {input: 50, output: 5}
    delay_ms: 20
  - when: {turn: 2}
    text: "Read the note."
    usage: {input: 80, output: 6}
    delay_ms: 20
)";

/// A folder of `n` tasks, each in its own directory with a note to read.
fs::path write_note_tasks(const TempDir& dir, int n, const std::string& extra = "") {
  std::string text;
  for (int i = 0; i < n; ++i) {
    dir.write(fmt::format("work/t{}/note.txt", i), fmt::format("note {}\n", i));
    text +=
        fmt::format("{{\"id\": \"t{}\", \"prompt\": \"Read note {}\", \"cwd\": \"work/t{}\"{}}}\n",
                    i, i, i, extra);
  }
  return dir.write("tasks.jsonl", text);
}

}  // namespace

TEST_CASE("batch over fixture crates: the agent fixes each crate and every check passes") {
  TempDir dir("agentry-batch-crates");
  copy_crate("clippy_lint", dir.path() / "crates" / "clippy_lint");
  copy_crate("unformatted", dir.path() / "crates" / "unformatted");
  copy_crate("borrow_error", dir.path() / "crates" / "borrow_error");
  auto fake = start_fake(R"(
turns:
  - when: {turn: 1, contains: "[clippy_lint]"}
    tool_calls:
      - id: call_1
        name: write_file
        arguments:
          path: src/lib.rs
          content: "pub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n\npub fn has_none(v: &[i32]) -> bool {\n    v.is_empty()\n}\n"
  - when: {turn: 1, contains: "[borrow_error]"}
    tool_calls:
      - id: call_1
        name: write_file
        arguments:
          path: src/lib.rs
          content: "pub fn total(names: Vec<String>) -> usize {\n    let first = names.len();\n    first + names.len()\n}\n"
  - when: {turn: 1, contains: "[unformatted]"}
    tool_calls:
      - {id: call_1, name: rustfmt, arguments: {mode: apply}}
  - when: {turn: 2}
    text: "Fixed; clippy and rustfmt are clean."
    usage: {input: 200, output: 12}
)");
  dir.write("tasks.yaml", R"(defaults:
  agent: rust-pro
  timeout: 5m
  check:
    - cargo clippy --quiet -- -D warnings
    - [cargo, fmt, --check]
tasks:
  - {id: clippy, prompt: "[clippy_lint] Fix every clippy warning.", cwd: crates/clippy_lint}
  - {id: borrow, prompt: "[borrow_error] Make it compile.", cwd: crates/borrow_error}
  - {id: fmt, prompt: "[unformatted] Format the crate.", cwd: crates/unformatted}
)");
  auto env = batch_environment(dir.path() / "home", fake->url("/v1"));
  auto ran = run_agentry(dir.path(), {"batch", "tasks.yaml", "-j", "3", "--tool-jobs", "2"}, env);
  INFO("stdout:\n" << ran.out << "\nstderr:\n" << ran.err);
  CHECK(ran.exit_code == 0);
  auto results = read_results(dir.path() / "tasks.results.jsonl");
  REQUIRE(results.size() == 3);
  for (const auto& r : results) {
    INFO(r.dump(2));
    CHECK(r["status"] == "ok");
    CHECK(r["agent"] == "rust-pro");
    CHECK(r["result"] == "Fixed; clippy and rustfmt are clean.");
    CHECK(r["check"]["passed"] == true);
    CHECK(r["check"]["commands"].size() == 2);
    CHECK(r["num_turns"] == 2);
    CHECK(r["session_id"].is_string());
  }
  CHECK(read_file(dir.path() / "crates" / "unformatted" / "src" / "lib.rs")
            .find("pub fn add(a: i32, b: i32) -> i32 {") != std::string::npos);
  CHECK(ran.out.find("3 tasks: ok 3 · failed 0 · timeout 0 · error 0") != std::string::npos);
}

TEST_CASE("no provider configured: batch stops before the first task, exit 2, as run does") {
  TempDir dir("agentry-batch-noprovider");
  fs::create_directories(dir.path() / "crates" / "alpha");
  dir.write("tasks.jsonl",
            "{\"id\": \"one\", \"prompt\": \"p1\", \"cwd\": \"crates/alpha\"}\n"
            "{\"id\": \"two\", \"prompt\": \"p2\", \"cwd\": \"crates/alpha\"}\n");
  auto env = batch_environment(dir.path() / "home", "");
  env.erase("OPENAI_BASE_URL");
  env.erase("OPENAI_API_KEY");
  auto ran = run_agentry(dir.path(), {"batch", "tasks.jsonl"}, env);
  CHECK(ran.exit_code == 2);
  CHECK(ran.err.find("no model provider is configured") != std::string::npos);
  auto results = dir.path() / "tasks.results.jsonl";
  if (fs::exists(results)) CHECK(read_results(results).empty());

  // `run` refuses with the same message and exit code.
  auto single = run_agentry(dir.path(), {"run", "p1"}, env);
  CHECK(single.exit_code == 2);
  CHECK(single.err.find("no model provider is configured") != std::string::npos);
}

TEST_CASE("a malformed task file is rejected whole, with line numbers, exit 2") {
  TempDir dir("agentry-batch-bad");
  fs::copy(fixtures_dir() / "batch" / "bad.yaml", dir.path() / "bad.yaml");
  fs::create_directories(dir.path() / "crates" / "alpha");
  auto env = batch_environment(dir.path() / "home", "http://127.0.0.1:9/v1");
  auto ran = run_agentry(dir.path(), {"batch", "bad.yaml"}, env);
  CHECK(ran.exit_code == 2);
  std::string file = (dir.path() / "bad.yaml").string();
  CHECK(ran.err.find(file + ":2:3: bad timeout \"soon\"") != std::string::npos);
  CHECK(ran.err.find(file + ":7:5: unknown field \"promt\" (did you mean \"prompt\"?)") !=
        std::string::npos);
  CHECK(ran.err.find(file + ":8:5: duplicate id \"one\" (first used on line 4)") !=
        std::string::npos);
  CHECK(ran.err.find(file + ":16:5: bad check command") != std::string::npos);
  CHECK(ran.err.find("8 problems; no task was run") != std::string::npos);
  CHECK(!fs::exists(dir.path() / "bad.results.jsonl"));
}

TEST_CASE(
    "agentry batch killed with SIGKILL at random moments, resumed, many times: every task "
    "exactly once") {
  constexpr int kTasks = 120;
  TempDir dir("agentry-batch-kill");
  auto fake = start_fake(kReadThenAnswer);
  write_note_tasks(dir, kTasks);
  auto env = batch_environment(dir.path() / "home", fake->url("/v1"));
  fs::path results = dir.path() / "tasks.results.jsonl";

  std::mt19937 random(8081);
  int killed = 0;
  constexpr int kRounds = 25;
  for (int round = 0; round < kRounds; ++round) {
    auto delay = std::chrono::microseconds(60'000 + random() % 300'000);
    auto ran = run_agentry(dir.path(), {"batch", "tasks.jsonl", "-j", "4"}, env, delay);
    if (ran.killed) ++killed;
    auto records = read_results(results);
    std::set<std::string> seen;
    for (const auto& r : records) {
      CHECK_MESSAGE(seen.insert(r["id"].get<std::string>()).second,
                    "task " << r["id"] << " recorded twice after round " << round);
      CHECK(r["status"] == "ok");
    }
    if (seen.size() == kTasks) break;
  }
  MESSAGE("SIGKILLed " << killed << " runs");
  CHECK(killed >= 4);

  auto last = run_agentry(dir.path(), {"batch", "tasks.jsonl", "-j", "6"}, env);
  INFO("stderr:\n" << last.err);
  CHECK(last.exit_code == 0);
  auto records = read_results(results);
  CHECK(records.size() == kTasks);
  std::set<std::string> ids;
  for (const auto& r : records) {
    ids.insert(r["id"].get<std::string>());
    CHECK(r["result"] == "Read the note.");
    CHECK(r["usage"]["input_tokens"] == 130);
  }
  CHECK(ids.size() == kTasks);
}

TEST_CASE(
    "agentry batch: shards 0..N-1 (by flag and from Slurm's variables), merged, equal a "
    "single-machine run") {
  TempDir dir("agentry-batch-shards");
  auto fake = start_fake(kReadThenAnswer);
  write_note_tasks(dir, 10, ", \"check\": \"test -s note.txt\"");
  auto env = batch_environment(dir.path() / "home", fake->url("/v1"));

  auto full = run_agentry(dir.path(), {"batch", "tasks.jsonl", "--results", "full.jsonl"}, env);
  INFO("stderr:\n" << full.err);
  REQUIRE(full.exit_code == 0);

  std::vector<std::string> merge_args = {"batch", "merge", "merged.jsonl"};
  for (int i = 0; i < 3; ++i) {
    std::string out = fmt::format("shard-{}.jsonl", i);
    Ran shard;
    if (i == 2) {
      auto slurm = env;
      slurm.insert_or_assign("SLURM_ARRAY_TASK_ID", std::string(1, '2'));
      slurm.insert_or_assign("SLURM_ARRAY_TASK_COUNT", std::string(1, '3'));
      shard = run_agentry(
          dir.path(), {"batch", "tasks.jsonl", "--shard-from", "slurm", "--results", out}, slurm);
    } else {
      shard = run_agentry(
          dir.path(), {"batch", "tasks.jsonl", "--shard", fmt::format("{}/3", i), "--results", out},
          env);
    }
    INFO("shard " << i << " stderr:\n" << shard.err);
    CHECK(shard.exit_code == 0);
    auto part = read_results(dir.path() / out);
    CHECK(part.size() == (i == 0 ? 4u : 3u));
    for (const auto& r : part)
      CHECK(r["shard"] == fmt::format("{}/3", i));
    merge_args.push_back(out);
  }
  auto merged = run_agentry(dir.path(), merge_args, env);
  CHECK(merged.exit_code == 0);
  CHECK(merged.err.find("merged 10 result lines from 3 files into merged.jsonl (10 tasks)") !=
        std::string::npos);
  auto whole = by_id(read_results(dir.path() / "full.jsonl"));
  auto joined = by_id(read_results(dir.path() / "merged.jsonl"));
  CHECK(whole.size() == 10);
  CHECK(joined == whole);
}

}  // namespace agentry::batch
