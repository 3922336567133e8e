// The documented limits (README "Limits"), end to end: the real binary against inputs that would
// otherwise cost unbounded memory or time — a model that streams without end, a 100 MB tool-call
// argument, a task file of a million tasks, a 50 MB agent file. Each ends with an error that
// names the limit, and the process's peak memory (wait4's ru_maxrss) stays far below what the
// input would have cost without it.
#include <fstream>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "cli/support/agentry_harness.hpp"
#include "cli/support/peak_rss.hpp"

namespace agentry::cli {
namespace {

using e2e::AgentryHome;
using e2e::check_peak_rss;
using e2e::run_measured;
using e2e::start_fake;

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("limits: a model that streams forever ends the run at max_output_bytes, memory bounded") {
  AgentryHome home;
  // 200 MB of text deltas, then a proper end: without the limit the run would succeed.
  auto server =
      start_fake("- text: unused\n  faults: [{endless: text, endless_bytes: 209715200}]\n");
  auto r = run_measured(home, {"run", "--agent", "rust-pro", "hello"}, server.get());
  INFO("stderr: " << r.err.substr(0, 2000));
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "holds more than max_output_bytes (8388608 bytes) and was dropped"));
  CHECK(contains(r.err, "raise providers.openai.max_output_bytes in the config"));
  CHECK(server->request_count() == 1);
  check_peak_rss(r);
}

TEST_CASE("limits: a 100 MB tool-call argument is refused, OpenAI and Anthropic wire formats") {
  for (const char* kind : {"openai", "anthropic"}) {
    CAPTURE(kind);
    AgentryHome home;
    auto server = start_fake(R"(
- text: unused
  tool_calls: [{id: call_big, name: write_file, arguments: {}}]
  faults: [{endless: arguments, endless_bytes: 104857600}]
)");
    std::string base_url = std::string(kind) == "openai" ? server->url("/v1") : server->url();
    home.write_config(fmt::format(
        // The window is configured: the server is asked nothing but the one completion.
        "default_provider: fake\nproviders:\n  fake: {{kind: {}, base_url: \"{}\", model: m, "
        "context_window: 32768}}\n",
        kind, base_url));
    auto r = run_measured(
        home, {"run", "--agent", "rust-pro", "--permission-mode", "bypass", "hello"}, server.get());
    INFO("stderr: " << r.err.substr(0, 2000));
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "holds more than max_output_bytes (8388608 bytes)"));
    CHECK(contains(r.err, "bytes of tool-call arguments"));
    CHECK(server->request_count() == 1);
    CHECK_FALSE(std::filesystem::exists(home.ws() / "big.txt"));
    check_peak_rss(r);
  }
}

TEST_CASE("limits: tool-call arguments nested 100000 levels deep go back to the model, no crash") {
  AgentryHome home;
  std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  // The arguments as a raw string: the fake server sends them byte for byte.
  auto server = start_fake(fmt::format(
      "- tool_calls: [{{id: c1, name: read_file, arguments: '{{\"path\":{}}}'}}]\n- text: done\n",
      deep));
  auto r =
      run_measured(home, {"run", "--agent", "rust-pro", "--output-format", "stream-json", "hello"},
                   server.get());
  INFO("stderr: " << r.err.substr(0, 2000));
  CHECK(r.exit_code == 0);  // it crashed with SIGSEGV before the limit (a deep copy of the value)
  CHECK(contains(r.out,
                 "rewrite your input: the arguments of `read_file` hold JSON nested "
                 "deeper than 512 levels"));
  CHECK(server->request_count() == 2);
}

TEST_CASE("limits: a task file of 1000000 tasks is refused before any work") {
  AgentryHome home;
  auto server = start_fake("- text: unused\n");
  std::string line = R"({"prompt":"Fix the clippy warnings"})"
                     "\n";
  {
    std::string block;  // 10,000 lines at a time: the test's own memory stays small
    for (int i = 0; i < 10'000; ++i)
      block += line;
    std::ofstream out(home.ws() / "tasks.jsonl", std::ios::binary);
    for (int i = 0; i < 100; ++i)
      out << block;
  }
  auto r = run_measured(home, {"batch", "tasks.jsonl"}, server.get());
  INFO("stderr: " << r.err.substr(0, 2000));
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, (home.ws() / "tasks.jsonl").string() +
                            ": the file has 1000000 task lines; a task file may hold at most "
                            "100000 tasks (split it into several files, or run parts of it "
                            "with --shard)"));
  CHECK(contains(r.err, "1 problem; no task was run"));
  CHECK(server->request_count() == 0);
  CHECK_FALSE(std::filesystem::exists(home.ws() / "tasks.results.jsonl"));
  check_peak_rss(r);
}

TEST_CASE("limits: a 50 MB agent file is skipped with an error naming it, the others load") {
  AgentryHome home;
  std::string agent = "---\ndescription: A helper\n---\nHelp.\n";
  std::filesystem::create_directories(home.ws() / ".agentry" / "agents");
  std::ofstream(home.ws() / ".agentry" / "agents" / "small.md") << agent;
  {
    std::ofstream huge(home.ws() / ".agentry" / "agents" / "huge.md");
    huge << agent;
    std::string block(1 << 20, 'x');  // 1 MB at a time: the test's own memory stays small
    for (int i = 0; i < 50; ++i)
      huge << block;
  }
  auto r = run_measured(home, {"agents", "list", "--warnings"}, nullptr);
  INFO("stderr: " << r.err.substr(0, 2000));
  CHECK(contains(r.out, "small"));
  CHECK(contains(r.out, "rust-pro"));
  CHECK_FALSE(contains(r.out, "huge"));
  auto huge = home.ws() / ".agentry" / "agents" / "huge.md";
  CHECK(contains(r.err, fmt::format("{}:1:1: error: the file is {} bytes; an agent file may have "
                                    "at most 1048576 bytes",
                                    huge.string(), std::filesystem::file_size(huge))));
  check_peak_rss(r);
}

}  // namespace agentry::cli
