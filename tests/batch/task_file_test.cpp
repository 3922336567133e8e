#include "batch/task_file.hpp"

#include <algorithm>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "store/batch_journal.hpp"
#include "support/fuzz_corpus.hpp"
#include "support/temp_dir.hpp"
#include "support/yaml_bomb.hpp"

namespace agentry::batch {

namespace fs = std::filesystem;
using agentry::testing::fixtures_dir;
using agentry::testing::TempDir;

namespace {

std::vector<std::string> messages_at(const TaskFile& file) {
  std::vector<std::string> out;
  for (const auto& p : file.problems)
    out.push_back(std::to_string(p.line) + ": " + p.message);
  return out;
}

void check_good(const TaskFile& file) {
  REQUIRE(file.ok());
  REQUIRE(file.tasks.size() == 2);
  const BatchTask& a = file.tasks[0];
  CHECK(a.id == "alpha");
  CHECK(a.prompt == "Fix the clippy warnings.");
  CHECK(a.agent == "rust-pro");
  CHECK(a.model.empty());
  CHECK(!a.max_steps);
  CHECK(a.timeout == std::chrono::minutes(10));
  CHECK(a.check == std::vector<CheckCommand>{{"cargo", "clippy", "--", "-D", "warnings"},
                                             {"cargo", "fmt", "--check"}});
  CHECK(a.cwd == fixtures_dir() / "batch" / "crates" / "alpha");
  CHECK(a.cwd_as_written == "crates/alpha");
  CHECK(a.index == 0);

  const BatchTask& b = file.tasks[1];
  CHECK(b.id == "beta");
  CHECK(b.agent == "rust-pro");
  CHECK(b.model == "fake/fast");
  CHECK(b.max_steps == 12);
  CHECK(b.timeout == std::chrono::seconds(90));
  CHECK(b.check == std::vector<CheckCommand>{{"cargo", "test"}});
  CHECK(b.index == 1);
  CHECK(b.hash == store::task_hash(b.definition));
  CHECK(b.definition["timeout_ms"] == 90000);
}

}  // namespace

TEST_CASE("a YAML task file gets its defaults, resolved cwd and checks") {
  auto file = load_task_file(fixtures_dir() / "batch" / "good.yaml");
  REQUIRE(file);
  check_good(*file);
  CHECK(file->tasks[0].line == 9);
  CHECK(file->tasks[1].line == 12);
}

TEST_CASE("the JSONL form means the same as the YAML form, hashes included") {
  auto yaml = load_task_file(fixtures_dir() / "batch" / "good.yaml");
  auto jsonl = load_task_file(fixtures_dir() / "batch" / "good.jsonl");
  REQUIRE(yaml);
  REQUIRE(jsonl);
  check_good(*jsonl);
  CHECK(jsonl->tasks[0].line == 2);
  CHECK(jsonl->tasks[1].line == 4);
  CHECK(jsonl->tasks[0].hash == yaml->tasks[0].hash);
  CHECK(jsonl->tasks[1].hash == yaml->tasks[1].hash);
}

TEST_CASE("every problem of a bad YAML file is listed with its line, and no task is kept") {
  auto file = load_task_file(fixtures_dir() / "batch" / "bad.yaml");
  REQUIRE(file);
  CHECK(file->tasks.empty());
  auto got = messages_at(*file);
  std::vector<std::string> want = {
      "2: bad timeout \"soon\": write a duration such as \"90s\", \"10m\" or \"1h30m\" (at most a "
      "week)",
      "7: unknown field \"promt\" (did you mean \"prompt\"?)",
      "8: duplicate id \"one\" (first used on line 4)",
      "10: task \"three\" has no `prompt` (and `defaults` gives none)",
      "11: cwd \"crates/nowhere\" is not a directory (" +
          (fixtures_dir() / "batch" / "crates" / "nowhere").string() +
          " does not exist or is not a folder; cwd is relative to the task file)",
      "14: bad timeout \"0s\": write a duration such as \"90s\", \"10m\" or \"1h30m\" (at most a "
      "week)",
      "15: `max_steps` must be a whole number from 1 to 10000",
      "16: bad check command \"cargo 'unterminated\": unterminated single quote",
  };
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i)
    CHECK(got[i] == want[i]);
  auto lines = file->problem_lines();
  REQUIRE(lines.size() == want.size());
  CHECK(lines[1] == (fixtures_dir() / "batch" / "bad.yaml").string() +
                        ":7:5: unknown field \"promt\" (did you mean \"prompt\"?)");
}

TEST_CASE("every problem of a bad JSONL file is listed with its line") {
  auto file = load_task_file(fixtures_dir() / "batch" / "bad.jsonl");
  REQUIRE(file);
  CHECK(file->tasks.empty());
  auto got = messages_at(*file);
  REQUIRE(got.size() == 7);
  CHECK(got[0] ==
        "1: unknown field \"colour\" (known: id, prompt, agent, cwd, model, max_steps, effort, "
        "timeout, check)");
  CHECK(got[1] == "2: duplicate id \"one\" (first used on line 1)");
  CHECK(got[2] == "3: task \"three\" has no `prompt` (and `defaults` gives none)");
  CHECK(got[3].rfind("3: cwd \"crates/nowhere\" is not a directory", 0) == 0);
  CHECK(got[4].rfind("4: not valid JSON: ", 0) == 0);
  CHECK(got[5] == "5: each line must be one JSON object (a task)");
  CHECK(got[6] == "6: {\"defaults\": ...} may only be the first line of the file");
}

TEST_CASE("a JSONL line nested 100000 levels deep is a problem of its line, not a crash") {
  TempDir dir;
  std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  std::string text = R"({"id":"a","prompt":"p"})"
                     "\n"
                     R"({"id":"b","prompt":)" +
                     deep + "}\n";
  auto file = parse_task_file(text, dir.path() / "tasks.jsonl", TaskFileFormat::kJsonl);
  CHECK(file.tasks.empty());
  auto got = messages_at(file);
  REQUIRE(got.size() == 1);
  CHECK(got[0] == "2: JSON nested deeper than 512 levels: a task is flat fields");
}

TEST_CASE("a task file over max_tasks or max_bytes is refused whole, before any task is checked") {
  TempDir dir;
  TaskFileLimits limits;
  limits.max_tasks = 10;
  std::string jsonl = R"({"defaults":{"prompt":"p"}})"
                      "\n";
  std::string yaml = "defaults: {prompt: p}\ntasks:\n";
  for (int i = 0; i < 11; ++i) {
    // cwd does not exist: had the tasks been validated, each would be a problem of its own.
    jsonl += fmt::format(R"({{"id":"t{}","cwd":"nowhere"}})", i) + "\n";
    yaml += fmt::format("  - {{id: t{}, cwd: nowhere}}\n", i);
  }
  const std::string hint = "(split it into several files, or run parts of it with --shard)";
  auto only_problem = [&](const TaskFile& file) {
    CHECK(file.tasks.empty());
    REQUIRE(file.problems.size() == 1);
    return file.problem_lines()[0];
  };
  fs::path path = dir.path() / "tasks";
  CHECK(only_problem(parse_task_file(jsonl, path, TaskFileFormat::kJsonl, limits)) ==
        path.string() + ": the file has 12 task lines; a task file may hold at most 10 tasks " +
            hint);
  CHECK(only_problem(parse_task_file(yaml, path, TaskFileFormat::kYaml, limits)) ==
        path.string() + ": the file has 11 tasks; a task file may hold at most 10 tasks " + hint);
  limits.max_tasks = 11;  // within the limit: every task is checked
  CHECK(parse_task_file(jsonl, path, TaskFileFormat::kJsonl, limits).problems.size() == 11);
  CHECK(parse_task_file(yaml, path, TaskFileFormat::kYaml, limits).problems.size() == 11);

  fs::path big = dir.write("big.jsonl", jsonl);
  limits.max_bytes = 100;
  auto file = load_task_file(big, limits);
  REQUIRE(file);
  CHECK(only_problem(*file) == big.string() + ": the file is " + std::to_string(jsonl.size()) +
                                   " bytes; a task file may have at most 100 bytes " + hint);
  fs::path big_yaml = dir.write("big.yaml", yaml);
  limits.max_bytes = 1 << 20;
  limits.max_yaml_bytes = 100;
  file = load_task_file(big_yaml, limits);
  REQUIRE(file);
  CHECK(only_problem(*file) ==
        big_yaml.string() + ": the file is " + std::to_string(yaml.size()) +
            " bytes of YAML; a YAML task file may have at most 100 bytes (write it as JSONL, one "
            "task per line, or split it)");
  CHECK(TaskFileLimits{}.max_tasks == 100'000);
  CHECK(TaskFileLimits{}.max_bytes == 64ULL << 20);
  CHECK(TaskFileLimits{}.max_yaml_bytes == 4ULL << 20);
}

TEST_CASE("YAML syntax errors name their line") {
  TempDir dir;
  auto path = dir.write("t.yaml", "tasks:\n  - id: a\n    prompt: [unclosed\n");
  auto file = load_task_file(path);
  REQUIRE(file);
  REQUIRE(file->problems.size() == 1);
  CHECK(file->problems[0].line >= 3);
  CHECK(file->problems[0].message.rfind("not valid YAML: ", 0) == 0);
}

TEST_CASE("YAML nested past yaml-cpp's limit is a problem that says so, not \"bad file\"") {
  TempDir dir;
  auto path = dir.write(
      "t.yaml", "tasks:\n  - prompt: " + std::string(3000, '[') + std::string(3000, ']') + "\n");
  auto file = load_task_file(path);
  REQUIRE(file);
  REQUIRE(file->problems.size() == 1);
  CHECK(file->problems[0].message ==
        "not valid YAML: nested deeper than 2000 levels, the most YAML here may be (flatten it)");
}

TEST_CASE("shape problems: no tasks, wrong top level, id in defaults, duplicate keys") {
  TempDir dir;
  SUBCASE("empty") {
    auto file = load_task_file(dir.write("t.jsonl", "\n\n"));
    REQUIRE(file);
    REQUIRE(file->problems.size() == 1);
    CHECK(file->problems[0].message == "no tasks");
    CHECK(file->problem_lines()[0] == (dir.path() / "t.jsonl").string() + ": no tasks");
  }
  SUBCASE("a scalar") {
    auto file = load_task_file(dir.write("t.yaml", "hello\n"));
    REQUIRE(file);
    REQUIRE(file->problems.size() == 1);
    CHECK(file->problems[0].message.find("a task file is a mapping") == 0);
  }
  SUBCASE("id as a default, a duplicate key, a stray top-level key") {
    auto file = load_task_file(dir.write(
        "t.yaml",
        "defaults:\n  id: x\nextra: 1\ntasks:\n  - id: a\n    prompt: p\n    prompt: q\n"));
    REQUIRE(file);
    auto got = messages_at(*file);
    REQUIRE(got.size() == 3);
    CHECK(got[0] == "2: `id` cannot be a default: each task needs its own");
    CHECK(got[1] == "3: unknown top-level key \"extra\" (expected `defaults` and `tasks`)");
    CHECK(got[2] == "7: field \"prompt\" is given twice");
  }
  SUBCASE("a task without id") {
    auto file = load_task_file(dir.write("t.yaml", "- prompt: p\n"));
    REQUIRE(file);
    REQUIRE(file->problems.size() == 1);
    CHECK(file->problems[0].message == "a task has no `id`");
    CHECK(file->problems[0].line == 1);
  }
}

TEST_CASE(
    "a bare YAML list works, prompt may come from defaults, cwd defaults to the file's folder") {
  TempDir dir;
  fs::create_directories(dir.path() / "c1");
  auto file = load_task_file(dir.write("t.yaml",
                                       "- id: 7\n  prompt: p\n  check: [['sh', '-c', 'exit 0']]\n"
                                       "- id: b\n  cwd: c1/\n  prompt: q\n  timeout: 120\n"));
  REQUIRE(file);
  REQUIRE(file->ok());
  CHECK(file->tasks[0].id == "7");
  CHECK(file->tasks[0].cwd == dir.path());
  CHECK(file->tasks[0].cwd_as_written == ".");
  CHECK(file->tasks[0].check == std::vector<CheckCommand>{{"sh", "-c", "exit 0"}});
  CHECK(file->tasks[1].cwd == dir.path() / "c1");
  CHECK(file->tasks[1].cwd_as_written == "c1");
  CHECK(file->tasks[1].timeout == std::chrono::minutes(2));

  auto with_default = load_task_file(
      dir.write("d.jsonl", "{\"defaults\": {\"prompt\": \"Fix clippy.\"}}\n{\"id\": \"x\"}\n"));
  REQUIRE(with_default);
  REQUIRE(with_default->ok());
  CHECK(with_default->tasks[0].prompt == "Fix clippy.");
}

TEST_CASE("the task hash follows the effective definition, not how it is written") {
  TempDir dir;
  auto a = load_task_file(
      dir.write("a.jsonl", "{\"id\": \"x\", \"prompt\": \"p\", \"agent\": \"r\"}\n"));
  auto b = load_task_file(dir.write(
      "b.jsonl", "{\"defaults\": {\"agent\": \"r\"}}\n{\"prompt\": \"p\", \"id\": \"x\"}\n"));
  auto c = load_task_file(
      dir.write("c.jsonl", "{\"id\": \"x\", \"prompt\": \"p2\", \"agent\": \"r\"}\n"));
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(c);
  REQUIRE(a->ok());
  REQUIRE(b->ok());
  REQUIRE(c->ok());
  CHECK(a->tasks[0].hash == b->tasks[0].hash);
  CHECK(a->tasks[0].hash != c->tasks[0].hash);
}

TEST_CASE("a missing task file is an I/O error") {
  auto file = load_task_file("/nonexistent/tasks.yaml");
  REQUIRE(!file);
  CHECK(file.error().code == ErrorCode::kIo);
  CHECK(file.error().where == "/nonexistent/tasks.yaml");
}

TEST_CASE("format detection") {
  CHECK(detect_format("x.jsonl", "") == TaskFileFormat::kJsonl);
  CHECK(detect_format("x.yml", "{") == TaskFileFormat::kYaml);
  CHECK(detect_format("tasks", "  \n{\"id\": 1}") == TaskFileFormat::kJsonl);
  CHECK(detect_format("tasks", "tasks: []") == TaskFileFormat::kYaml);
}

}  // namespace agentry::batch

namespace agentry::batch {

// Found by tests/fuzz (task_file): YAML text is not checked for UTF-8, and the problem line
// quoted a bad timeout (or check command) with a strict JSON dump, which threw out of the parse
// ("internal error" instead of the file's problems).
TEST_CASE("task file: a bad value that is not UTF-8 is quoted in its problem, not thrown") {
  const fs::path path = fixtures_dir() / "batch" / "tasks.yaml";
  std::string input =
      agentry::testing::fuzz_input("task_file", "crash-96772c70ecea05f3b19ca71d3f831c66c417fbe0");
  TaskFile file;
  REQUIRE_NOTHROW(file = parse_task_file(input, path, TaskFileFormat::kYaml));
  auto lines = file.problem_lines();
  CHECK(std::any_of(lines.begin(), lines.end(), [](const std::string& line) {
    return line.find(": bad timeout \"90s\xEF\xBF\xBD") != std::string::npos;
  }));

  std::string check = "tasks:\n  - id: a\n    prompt: p\n    check: \"cargo '\xFF\"\n";
  REQUIRE_NOTHROW(file = parse_task_file(check, path, TaskFileFormat::kYaml));
  REQUIRE(file.problems.size() == 1);
  CHECK(file.problems[0].message.starts_with("bad check command \"cargo '\xEF\xBF\xBD\""));
}

}  // namespace agentry::batch

namespace agentry::batch {

// Found by tests/fuzz (task_file): json::parse throws out_of_range, not parse_error, for a
// number too large for a double, and only parse_error was caught.
TEST_CASE("task file: a JSONL line with a number out of range is a problem, not thrown") {
  const fs::path path = fixtures_dir() / "batch" / "tasks.jsonl";
  std::string input =
      agentry::testing::fuzz_input("task_file", "crash-91762cd010c36c8cbe252062dd902360e24fcc15");
  TaskFile file;
  REQUIRE_NOTHROW(file = parse_task_file(input, path, TaskFileFormat::kJsonl));
  REQUIRE(!file.problems.empty());
  CHECK(file.problems[0].line == 1);
  CHECK(file.problems[0].message.starts_with("not valid JSON: "));

  REQUIRE_NOTHROW(file =
                      parse_task_file("{\"id\": \"a\", \"prompt\": \"p\", \"max_steps\": 1e400}\n",
                                      path, TaskFileFormat::kJsonl));
  REQUIRE(file.problems.size() == 1);
  CHECK(file.problems[0].message.find("1e400") != std::string::npos);
}

}  // namespace agentry::batch

namespace agentry::batch {

TEST_CASE("an alias bomb in a YAML task file is a problem at its line, before any work") {
  TempDir dir;
  auto path =
      dir.write("tasks.yaml", "tasks:\n  - {id: a, prompt: p}\n" + agentry::testing::yaml_bomb());
  auto file = load_task_file(path);
  REQUIRE(file);
  CHECK(file->tasks.empty());
  auto lines = file->problem_lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].starts_with(path.string() + ":10:"));
  CHECK(lines[0].find("once aliases are expanded") != std::string::npos);
}

TEST_CASE("a JSONL task file has a budget of values over all its lines") {
  TempDir dir;
  std::string text = R"({"id":"a","prompt":"p","check":["x","y"]})"
                     "\n"
                     R"({"id":"b","prompt":"p"})"
                     "\n";
  // Line 1: the object, 3 keys, 2 strings, a list and 2 strings = 9; line 2: 5.
  TaskFileLimits limits;
  limits.max_json_values = 14;
  CHECK(parse_task_file(text, dir.path() / "t.jsonl", TaskFileFormat::kJsonl, limits).ok());
  limits.max_json_values = 13;
  auto file = parse_task_file(text, dir.path() / "t.jsonl", TaskFileFormat::kJsonl, limits);
  CHECK(file.tasks.empty());
  REQUIRE(messages_at(file).size() == 1);
  CHECK(messages_at(file)[0] ==
        "2: the file holds more than 13 JSON values (keys included), the most a task file may "
        "have: split it");
}

TEST_CASE("a task's effort (or the defaults') reaches the task and its definition") {
  TempDir dir;
  auto file = parse_task_file(
      "{\"defaults\": {\"effort\": \"medium\"}}\n"
      "{\"id\": \"a\", \"prompt\": \"p\"}\n"
      "{\"id\": \"b\", \"prompt\": \"p\", \"effort\": \"max\"}\n"
      "{\"id\": \"c\", \"prompt\": \"p\", \"effort\": \"hard\"}\n",
      dir.path() / "tasks.jsonl", TaskFileFormat::kJsonl);
  auto got = messages_at(file);
  REQUIRE(got.size() == 1);
  CHECK(got[0] == "4: `effort` must be low, medium, high, xhigh or max, not \"hard\"");
  auto ok = parse_task_file(
      "{\"defaults\": {\"effort\": \"medium\"}}\n"
      "{\"id\": \"a\", \"prompt\": \"p\"}\n"
      "{\"id\": \"b\", \"prompt\": \"p\", \"effort\": \"max\"}\n",
      dir.path() / "tasks.jsonl", TaskFileFormat::kJsonl);
  REQUIRE(ok.ok());
  CHECK(ok.tasks[0].effort == "medium");
  CHECK(ok.tasks[1].effort == "max");
  CHECK(ok.tasks[1].definition["effort"] == "max");
}

}  // namespace agentry::batch
