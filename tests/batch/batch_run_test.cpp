#include "batch/batch_run.hpp"

#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

#include "batch/fake_task_runner.hpp"
#include "batch/merge.hpp"
#include "batch/task_outcome.hpp"
#include "store/batch_journal.hpp"
#include "support/temp_dir.hpp"

namespace agentry::batch {

namespace fs = std::filesystem;
using agentry::testing::read_file;
using agentry::testing::TempDir;
using nlohmann::json;
using testing::FakeTaskRunner;
using namespace std::chrono_literals;

namespace {

/// A batch over a temporary task file, run in-process with a fake engine::TaskRunner and the real
/// process runner for checks.
struct Harness {
  TempDir dir{"agentry-batch-test"};
  FakeTaskRunner runner;
  tools::PosixProcessRunner processes;
  Environment env = Environment::from_process();
  std::ostringstream out;
  std::ostringstream err;
  BatchOptions options;

  explicit Harness(FakeTaskRunner::Behaviour behaviour = {}) : runner(std::move(behaviour)) {
    options.jobs = 4;
    options.rate_limit_pause = 0ms;
  }

  fs::path write_tasks(const std::string& text, const std::string& name = "tasks.jsonl") {
    options.task_file = dir.write(name, text);
    return options.task_file;
  }

  int run() {
    out.str("");
    err.str("");
    BatchServices services{runner, processes, env, {"write_file", "edit_file"}, out, err};
    auto code = run_batch(options, services, {});
    REQUIRE_MESSAGE(code, (code ? "" : code.error().to_string()));
    return *code;
  }

  std::vector<json> results(const fs::path& path) const {
    auto journal = store::read_batch_journal(path);
    REQUIRE(journal);
    return journal->records;
  }
  std::vector<json> results() const { return results(dir.path() / "tasks.results.jsonl"); }
};

std::string three_tasks() {
  return "{\"id\": \"a\", \"prompt\": \"pa\"}\n"
         "{\"id\": \"b\", \"prompt\": \"pb\"}\n"
         "{\"id\": \"c\", \"prompt\": \"pc\"}\n";
}

/// The fields that say what a task came to, without when or where it ran.
json essence(json record) {
  for (const char* volatile_field : {"finished_at", "duration_ms", "shard"}) {
    record.erase(volatile_field);
  }
  if (record["check"].is_object()) {
    for (auto& c : record["check"]["commands"])
      c.erase("duration_ms");
  }
  return record;
}

}  // namespace

TEST_CASE("a batch runs every task once and journals one complete line per task") {
  Harness h;
  h.write_tasks(three_tasks());
  CHECK(h.run() == kExitOk);
  auto records = h.results();
  REQUIRE(records.size() == 3);
  std::set<std::string> ids;
  for (const auto& r : records) {
    ids.insert(r["id"].get<std::string>());
    CHECK(r["status"] == "ok");
    CHECK(r["result"] == "done p" + r["id"].get<std::string>());
    CHECK(r["session_id"] == "s-1");
    CHECK(r["agent"] == "rust-pro");
    CHECK(r["num_turns"] == 3);
    CHECK(r["stop_reason"] == "completed");
    CHECK(r["usage"]["input_tokens"] == 100);
    CHECK(r["usage"]["output_tokens"] == 20);
    CHECK(r["cost_usd"] == 0.01);
    CHECK(r["check"].is_null());
    CHECK(r["cwd"] == ".");
    CHECK(r["duration_ms"].is_number_integer());
    CHECK(r["finished_at"].get<std::string>().size() == 24);
    CHECK(r["task_hash"].get<std::string>().size() == 16);
    CHECK(!r.contains("error"));
    CHECK(!r.contains("shard"));
  }
  CHECK(ids == std::set<std::string>{"a", "b", "c"});
  CHECK(h.runner.prompts().size() == 3);
  std::string summary = h.out.str();
  CHECK(summary.find("3 tasks: ok 3 · failed 0 · timeout 0 · error 0") != std::string::npos);
  CHECK(summary.find("results: " + (h.dir.path() / "tasks.results.jsonl").string()) !=
        std::string::npos);
  // Plain progress (not a terminal): one line per finished task.
  CHECK(h.err.str().find("[3/3] ok") != std::string::npos);
}

TEST_CASE("rerunning resumes: finished tasks are skipped, an edited task runs again") {
  Harness h;
  h.write_tasks(three_tasks());
  CHECK(h.run() == kExitOk);
  CHECK(h.run() == kExitOk);
  CHECK(h.runner.prompts().size() == 3);
  CHECK(h.results().size() == 3);
  CHECK(h.err.str().find("resuming: 3 of 3 tasks already recorded") != std::string::npos);

  h.write_tasks(
      "{\"id\": \"a\", \"prompt\": \"pa\"}\n"
      "{\"id\": \"b\", \"prompt\": \"pb edited\"}\n"
      "{\"id\": \"c\", \"prompt\": \"pc\"}\n");
  CHECK(h.run() == kExitOk);
  CHECK(h.runner.prompts().size() == 4);
  CHECK(h.runner.runs_of("pb edited") == 1);
  CHECK(h.results().size() == 4);
}

TEST_CASE("failures are kept on resume, --retry-failed runs them again") {
  int calls_b = 0;
  Harness h([&](const engine::TaskRequest& req, std::stop_token) -> Result<engine::RunResult> {
    auto r = FakeTaskRunner::completed("answer");
    if (req.task == "pb" && ++calls_b == 1) r.reason = engine::StopReason::kMaxSteps;
    if (req.task == "pc") return fail(ErrorCode::kAuth, "401 Unauthorized", "http://127.0.0.1/v1");
    return r;
  });
  h.write_tasks(three_tasks());
  CHECK(h.run() == kExitFailed);
  auto first = h.results();
  REQUIRE(first.size() == 3);
  std::map<std::string, json> by_id;
  for (const auto& r : first)
    by_id[r["id"]] = r;
  CHECK(by_id["a"]["status"] == "ok");
  CHECK(by_id["b"]["status"] == "failed");
  CHECK(by_id["b"]["stop_reason"] == "max_steps");
  CHECK(by_id["c"]["status"] == "error");
  CHECK(by_id["c"]["error"]["code"] == "auth");
  CHECK(by_id["c"]["error"]["where"] == "http://127.0.0.1/v1");
  // What the events showed is kept even without a RunResult.
  CHECK(by_id["c"]["session_id"] == "sess-pc");
  CHECK(by_id["c"]["usage"]["input_tokens"] == 100);
  CHECK(h.out.str().find("401 Unauthorized") != std::string::npos);

  // Resumed: b's failure is kept; c's 401 came from outside the task, so c runs again.
  CHECK(h.run() == kExitFailed);
  CHECK(h.runner.prompts().size() == 4);
  CHECK(h.runner.runs_of("pb") == 1);
  CHECK(h.runner.runs_of("pc") == 2);
  CHECK(h.err.str().find("running again 1 task that ended in an error outside the task") !=
        std::string::npos);

  h.options.retry_failed = true;
  CHECK(h.run() == kExitFailed);  // c still fails
  CHECK(h.runner.prompts().size() == 6);
  CHECK(h.runner.runs_of("pa") == 1);
  CHECK(h.runner.runs_of("pb") == 2);
  auto after = h.results();
  REQUIRE(after.size() == 6);
  CHECK(h.out.str().find("3 tasks: ok 2 · failed 0 · timeout 0 · error 1") != std::string::npos);
}

TEST_CASE("a configuration error stops the batch before its first task, the fixed rerun runs all") {
  Harness h;
  h.write_tasks(three_tasks());
  h.runner.check_answer = [](const engine::TaskRequest&) -> Result<void> {
    return fail(ErrorCode::kConfig, "no model provider is configured", "",
                "set OPENAI_API_KEY or ANTHROPIC_API_KEY");
  };
  BatchServices services{h.runner, h.processes, h.env, {"write_file"}, h.out, h.err};
  auto stopped = run_batch(h.options, services, {});
  REQUIRE_FALSE(stopped);
  CHECK(stopped.error().code == ErrorCode::kConfig);
  CHECK(exit_code_for(stopped.error()) == kExitUsage);
  CHECK(stopped.error().message == "no model provider is configured");
  CHECK(stopped.error().hint.find("no task was run") != std::string::npos);
  CHECK(h.runner.prompts().empty());
  CHECK(h.results().empty());
  // The three tasks share (agent, model): asked once, not once per task.
  CHECK(h.runner.checks() == 1);

  h.runner.check_answer = {};
  CHECK(h.run() == kExitOk);
  CHECK(h.runner.prompts().size() == 3);
  CHECK(h.out.str().find("3 tasks: ok 3") != std::string::npos);
}

TEST_CASE("on resume, errors from outside the task run again and the task's own are kept") {
  struct Case {
    const char* status;
    json error;
    bool again;
  };
  auto error = [](const char* code, bool retryable = false) {
    return json{{"code", code}, {"message", "m"}, {"retryable", retryable}};
  };
  const std::vector<Case> cases{
      {"error", error("config"), true},     {"error", error("network", true), true},
      {"error", error("auth"), true},       {"error", error("rate_limited", true), true},
      {"error", error("http", true), true}, {"error", error("http"), false},
      {"error", error("tool"), false},      {"error", error("limit"), false},
      {"error", error("parse"), false},     {"error", json(nullptr), false},
      {"timeout", error("timeout"), false}, {"failed", json(nullptr), false},
      {"ok", json(nullptr), false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.status);
    CAPTURE(c.error.dump());
    json record{{"id", "a"}, {"status", c.status}};
    if (!c.error.is_null()) record["error"] = c.error;
    CHECK(ended_outside_the_task(record) == c.again);
  }
}

TEST_CASE("a key that a check prints is cut out of its result line") {
  Harness h;
  const std::string key = "sk-check-7Hw2Qp9Lx4Vb1Nz8Kc3";
  h.dir.write("key.txt", key + "\n");
  h.options.redactor = std::make_shared<const SecretRedactor>(std::vector<std::string>{key});
  const std::string key_file = (h.dir.path() / "key.txt").string();
  h.write_tasks("{\"id\": \"leak\", \"prompt\": \"p\", \"check\": [[\"cat\", \"" + key_file +
                "\"]]}\n");
  CHECK(h.run() == kExitOk);
  const auto results = h.results();
  REQUIRE(results.size() == 1);
  const auto& commands = results[0]["check"]["commands"];
  CHECK(commands[0]["output_tail"] == "***\n");
  CHECK(results[0].dump().find(key.substr(0, 12)) == std::string::npos);
}

TEST_CASE("checks decide success and report exit codes and output") {
  Harness h;
  h.write_tasks(
      "{\"id\": \"pass\", \"prompt\": \"p1\", \"check\": [[\"true\"], \"sh -c 'exit 0'\"]}\n"
      "{\"id\": \"fail\", \"prompt\": \"p2\", \"check\": [\"true\", \"sh -c 'echo out; echo err "
      ">&2; exit 3'\"]}\n"
      "{\"id\": \"missing\", \"prompt\": \"p3\", \"check\": \"no-such-program-agentry\"}\n");
  CHECK(h.run() == kExitFailed);
  std::map<std::string, json> by_id;
  for (const auto& r : h.results())
    by_id[r["id"]] = r;
  CHECK(by_id["pass"]["status"] == "ok");
  CHECK(by_id["pass"]["check"]["passed"] == true);
  CHECK(by_id["pass"]["check"]["commands"].size() == 2);
  CHECK(by_id["pass"]["check"]["commands"][1]["command"] == json::array({"sh", "-c", "exit 0"}));

  const json& failed = by_id["fail"]["check"];
  CHECK(by_id["fail"]["status"] == "failed");
  CHECK(failed["passed"] == false);
  CHECK(failed["commands"][0]["exit_code"] == 0);
  CHECK(failed["commands"][1]["exit_code"] == 3);
  CHECK(failed["commands"][1]["output_tail"] == "out\nerr\n");
  CHECK(failed["commands"][1]["timed_out"] == false);

  CHECK(by_id["missing"]["status"] == "failed");
  CHECK(by_id["missing"]["check"]["commands"][0]["exit_code"] == -1);
  CHECK(by_id["missing"]["check"]["commands"][0]["output_tail"].get<std::string>().find(
            "no-such-program-agentry") != std::string::npos);
  CHECK(h.out.str().find("`sh -c echo out; echo err >&2; exit 3` exited 3") != std::string::npos);
}

TEST_CASE("a task's timeout stops its run and is recorded as timeout") {
  Harness h([](const engine::TaskRequest& req, std::stop_token stop) -> Result<engine::RunResult> {
    if (req.task == "slow") {
      auto slept = testing::sleep_or_cancel(60s, stop);
      if (!slept) return tl::make_unexpected(slept.error());
    }
    return FakeTaskRunner::completed("ok");
  });
  h.write_tasks(
      "{\"id\": \"slow\", \"prompt\": \"slow\", \"timeout\": \"300ms\", \"check\": \"true\"}\n"
      "{\"id\": \"fast\", \"prompt\": \"fast\", \"timeout\": \"1m\"}\n");
  CHECK(h.run() == kExitFailed);
  std::map<std::string, json> by_id;
  for (const auto& r : h.results())
    by_id[r["id"]] = r;
  CHECK(by_id["slow"]["status"] == "timeout");
  CHECK(by_id["slow"]["stop_reason"] == "timeout");
  CHECK(by_id["slow"]["check"].is_null());
  CHECK(by_id["slow"]["error"]["code"] == "timeout");
  CHECK(by_id["slow"]["error"]["message"] == "the task did not finish within its timeout (300ms)");
  CHECK(by_id["fast"]["status"] == "ok");
}

TEST_CASE("a task file with problems runs nothing and exits 2") {
  Harness h;
  h.write_tasks("{\"id\": \"a\", \"prompt\": \"x\", \"timeout\": \"soon\"}\n{\"id\": \"a\"}\n");
  CHECK(h.run() == kExitUsage);
  CHECK(h.runner.prompts().empty());
  CHECK(!fs::exists(h.dir.path() / "tasks.results.jsonl"));
  std::string err = h.err.str();
  std::string path = (h.dir.path() / "tasks.jsonl").string();
  CHECK(err.find(path + ":1: bad timeout \"soon\"") != std::string::npos);
  CHECK(err.find(path + ":2: a task has no `prompt`") == std::string::npos);
  CHECK(err.find(path + ":2: task \"a\" has no `prompt` (and `defaults` gives none)") !=
        std::string::npos);
  CHECK(err.find(path + ":2: duplicate id \"a\" (first used on line 1)") != std::string::npos);
  CHECK(err.find("3 problems; no task was run") != std::string::npos);
}

TEST_CASE("an agent the runner does not know is a task-file problem") {
  Harness h;
  agents::AgentDefinition rust;
  rust.name = "rust-pro";
  h.runner.add_agent(rust);
  h.write_tasks(
      "{\"id\": \"a\", \"prompt\": \"x\", \"agent\": \"rust-pro\"}\n"
      "{\"id\": \"b\", \"prompt\": \"x\", \"agent\": \"nope\"}\n");
  CHECK(h.run() == kExitUsage);
  CHECK(h.err.str().find(":2: task \"b\": unknown agent \"nope\" (known: rust-pro)") !=
        std::string::npos);
  CHECK(h.runner.prompts().empty());
}

TEST_CASE("shards 0..N-1, merged, equal a single-machine run") {
  std::string tasks;
  for (int i = 0; i < 25; ++i) {
    tasks += "{\"id\": \"t" + std::to_string(i) + "\", \"prompt\": \"p" + std::to_string(i) +
             "\", \"check\": \"true\"}\n";
  }
  Harness full;
  full.write_tasks(tasks);
  CHECK(full.run() == kExitOk);
  auto whole = full.results();
  REQUIRE(whole.size() == 25);

  for (ShardBy by : {ShardBy::kIndex, ShardBy::kId}) {
    Harness h;
    h.write_tasks(tasks);
    h.options.shard_by = by;
    std::vector<fs::path> parts;
    std::size_t total = 0;
    for (int i = 0; i < 3; ++i) {
      h.options.shard = Shard{i, 3};
      CHECK(h.run() == kExitOk);
      parts.push_back(h.dir.path() / ("tasks.shard-" + std::to_string(i) + "-of-3.results.jsonl"));
      auto part = h.results(parts.back());
      total += part.size();
      for (const auto& r : part)
        CHECK(r["shard"] == std::to_string(i) + "/3");
    }
    CHECK(total == 25);
    fs::path merged = h.dir.path() / "merged.jsonl";
    auto report = merge_results(merged, parts);
    REQUIRE(report);
    CHECK(report->read == 25);
    CHECK(report->written == 25);

    std::map<std::string, json> expected;
    for (const auto& r : whole)
      expected[r["id"]] = essence(r);
    std::map<std::string, json> got;
    for (const auto& r : h.results(merged))
      got[r["id"]] = essence(r);
    CHECK(got == expected);
  }
}

TEST_CASE("--isolate works on a copy, checks run there, copies go unless kept") {
  Harness h([](const engine::TaskRequest& req, std::stop_token) -> Result<engine::RunResult> {
    std::ofstream(req.cwd / "marker") << req.task;
    return FakeTaskRunner::completed(req.cwd.string());
  });
  h.dir.write("crate/src/lib.rs", "pub fn f() {}\n");
  h.dir.write("crate/target/debug/big", "artifact");
  h.write_tasks(
      "{\"defaults\": {\"cwd\": \"crate\", \"check\": [\"test -f marker\", \"test -f src/lib.rs\", "
      "\"test ! -e target\", \"sh -c 'echo $CARGO_TARGET_DIR'\"]}}\n"
      "{\"id\": \"a\", \"prompt\": \"pa\"}\n{\"id\": \"b\", \"prompt\": \"pb\"}\n");
  h.options.isolate = true;
  fs::path ws = h.dir.path() / "ws";
  h.options.workspace_dir = ws;

  SUBCASE("removed") {
    CHECK(h.run() == kExitOk);
    auto records = h.results();
    REQUIRE(records.size() == 2);
    for (const auto& r : records) {
      CHECK(r["status"] == "ok");
      fs::path used = r["result"].get<std::string>();
      CHECK(used.parent_path().parent_path() == ws);
      CHECK(used.filename() == "crate");
      CHECK(r["check"]["commands"][3]["output_tail"] ==
            (h.dir.path() / "crate" / "target").string() + "\n");
      CHECK(!r.contains("workspace"));
    }
    CHECK(!fs::exists(h.dir.path() / "crate" / "marker"));
    CHECK(fs::is_empty(ws));
  }
  SUBCASE("kept") {
    h.options.keep_workspaces = true;
    CHECK(h.run() == kExitOk);
    for (const auto& r : h.results()) {
      fs::path kept = r["workspace"].get<std::string>();
      CHECK(read_file(kept / "marker") == "p" + r["id"].get<std::string>());
      CHECK(read_file(kept / "src" / "lib.rs") == "pub fn f() {}\n");
    }
  }
}

TEST_CASE("the budget stops new tasks, and a rerun does not get a fresh one") {
  Harness h;
  std::string tasks;
  for (int i = 0; i < 6; ++i)
    tasks +=
        "{\"id\": \"t" + std::to_string(i) + "\", \"prompt\": \"p" + std::to_string(i) + "\"}\n";
  h.write_tasks(tasks);
  h.options.jobs = 1;
  h.options.budget = *parse_budget("240");  // 120 tokens per task
  CHECK(h.run() == kExitFailed);
  CHECK(h.results().size() == 2);
  CHECK(h.out.str().find("4 not started (budget reached)") != std::string::npos);
  CHECK(h.out.str().find("not run 4") != std::string::npos);
  CHECK(h.run() == kExitFailed);
  CHECK(h.results().size() == 2);
  CHECK(h.err.str().find("already reached by the recorded results") != std::string::npos);
  h.options.budget = *parse_budget("1M");
  CHECK(h.run() == kExitOk);
  CHECK(h.results().size() == 6);
}

TEST_CASE("a second batch on the same results file is refused") {
  Harness h;
  h.write_tasks(three_tasks());
  auto held = store::BatchJournalWriter::open(h.dir.path() / "tasks.results.jsonl");
  REQUIRE(held);
  BatchServices services{h.runner, h.processes, h.env, {}, h.out, h.err};
  auto code = run_batch(h.options, services, {});
  REQUIRE(!code);
  CHECK(code.error().code == ErrorCode::kUsage);
  CHECK(code.error().message == "the results file is in use by another agentry batch");
}

TEST_CASE("default results paths") {
  CHECK(default_results_path("/x/jobs.yaml", Shard{}) == "/x/jobs.results.jsonl");
  CHECK(default_results_path("/x/jobs.yaml", Shard{1, 4}) == "/x/jobs.shard-1-of-4.results.jsonl");
}

}  // namespace agentry::batch
