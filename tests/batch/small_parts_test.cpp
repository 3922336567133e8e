// duration.hpp, command_split.hpp, budget.hpp, rate_gate.hpp, write_access.hpp
#include <sstream>

#include <doctest/doctest.h>

#include "batch/budget.hpp"
#include "batch/duration.hpp"
#include "batch/progress.hpp"
#include "batch/rate_gate.hpp"
#include "batch/summary.hpp"
#include "batch/write_access.hpp"
#include "core/command_split.hpp"

namespace agentry::batch {

using namespace std::chrono_literals;

TEST_CASE("durations") {
  CHECK(parse_duration("90s") == 90s);
  CHECK(parse_duration("10m") == 10min);
  CHECK(parse_duration("1h30m") == 90min);
  CHECK(parse_duration("500ms") == 500ms);
  CHECK(parse_duration("45") == 45s);
  CHECK(!parse_duration(""));
  CHECK(!parse_duration("0s"));
  CHECK(!parse_duration("10 m"));
  CHECK(!parse_duration("5d"));
  CHECK(!parse_duration("m"));
  CHECK(!parse_duration("200h"));
  CHECK(format_duration(850ms) == "850ms");
  CHECK(format_duration(12300ms) == "12.3s");
  CHECK(format_duration(245s) == "4m05s");
  CHECK(format_duration(3720s) == "1h02m");
}

TEST_CASE("check strings split into argv without a shell") {
  std::string why;
  CHECK(split_command("cargo clippy -- -D warnings", why) ==
        std::vector<std::string>{"cargo", "clippy", "--", "-D", "warnings"});
  CHECK(split_command("  echo 'a b'  \"c \\\"d\\\"\" e\\ f $HOME ", why) ==
        std::vector<std::string>{"echo", "a b", "c \"d\"", "e f", "$HOME"});
  CHECK(split_command("x '' y", why) == std::vector<std::string>{"x", "", "y"});
  CHECK(!split_command("a \"b", why));
  CHECK(why == "unterminated double quote");
  CHECK(!split_command("   ", why));
  CHECK(why == "empty command");
}

TEST_CASE("budgets in tokens or dollars") {
  CHECK(parse_budget("500k")->tokens == 500000);
  CHECK(parse_budget("2M")->tokens == 2000000);
  CHECK(parse_budget("120000")->tokens == 120000);
  CHECK(parse_budget("1.5k tokens")->tokens == 1500);
  CHECK(parse_budget("$5")->usd == 5.0);
  CHECK(parse_budget("2.50$")->usd == 2.5);
  CHECK(parse_budget("3 USD")->usd == 3.0);
  CHECK(!parse_budget("$0"));
  CHECK(!parse_budget("lots"));
  CHECK(!parse_budget("-5"));
  CHECK(parse_budget("x").error().where == "--budget");

  Budget tokens = *parse_budget("1000");
  Spend spend;
  spend.add({400, 100, 0, 0}, 0.5);
  CHECK(!budget_reached(tokens, spend));
  spend.add_record(
      {{"usage", {{"input_tokens", 400}, {"output_tokens", 100}}}, {"cost_usd", nullptr}});
  CHECK(spend.tokens == 1000);
  CHECK(spend.unpriced == 1);
  CHECK(spend.usd == 0.5);
  CHECK(budget_reached(tokens, spend));
  CHECK(budget_reached(*parse_budget("$0.5"), spend));
  CHECK(!budget_reached(*parse_budget("$0.51"), spend));
}

TEST_CASE(
    "the budgeted tokens count cache reads and writes too, and the summary shows how many were "
    "cached") {
  Spend spend;
  spend.add({400, 100, 9000, 1200}, 0.25);
  spend.add_record({{"usage",
                     {{"input_tokens", 50},
                      {"output_tokens", 50},
                      {"cache_read_tokens", 10000},
                      {"cache_write_tokens", 300}}},
                    {"cost_usd", 0.25}});
  CHECK(spend.tokens == 600 + 19000 + 1500);
  CHECK(spend.cache_read_tokens == 19000);
  CHECK(spend.cache_write_tokens == 1500);
  CHECK(spend.usd == 0.5);

  SummaryInput input;
  input.spent = spend;
  input.results_path = "results.jsonl";
  std::ostringstream out;
  print_summary(out, input);
  CHECK(out.str().find(
            " · 21.1k tokens (19.0k of them cache reads, 1.5k cache writes) · $0.5000\n") !=
        std::string::npos);

  SummaryInput uncached;
  uncached.spent.add({400, 100, 0, 0}, 0.5);
  std::ostringstream plain;
  print_summary(plain, uncached);
  CHECK(plain.str().find("cache") == std::string::npos);
}

TEST_CASE("the rate gate halves once per overload, pauses, and recovers one step at a time") {
  RateGate gate(8, 100ms);
  auto t0 = RateGate::Clock::time_point{} + 1h;
  CHECK(gate.limit() == 8);
  auto epoch = gate.epoch();
  CHECK(gate.on_rate_limited(epoch, t0));
  CHECK(gate.limit() == 4);
  CHECK(gate.resume_at() == t0 + 100ms);
  // Tasks that were already running report the same overload: no second halving.
  CHECK(!gate.on_rate_limited(epoch, t0));
  CHECK(gate.limit() == 4);
  // A new overload (a task started after the drop) halves again, with a longer pause.
  CHECK(gate.on_rate_limited(gate.epoch(), t0));
  CHECK(gate.limit() == 2);
  CHECK(gate.resume_at() == t0 + 200ms);
  CHECK(gate.on_rate_limited(gate.epoch(), t0));
  CHECK(gate.on_rate_limited(gate.epoch(), t0));
  CHECK(gate.limit() == 1);
  // Recovery: `limit` successes in a row add one.
  gate.on_success();
  CHECK(gate.limit() == 2);
  gate.on_success();
  CHECK(gate.limit() == 2);
  gate.on_success();
  CHECK(gate.limit() == 3);
  for (int i = 0; i < 100; ++i)
    gate.on_success();
  CHECK(gate.limit() == 8);
  // After recovering, the pause is back to its first length.
  CHECK(gate.on_rate_limited(gate.epoch(), t0));
  CHECK(gate.resume_at() == t0 + 100ms);
}

TEST_CASE("which agents count as writing") {
  std::set<std::string> writing = {"write_file", "edit_file", "clippy_fix", "rustfmt"};
  agents::AgentDefinition reader;
  reader.tools = std::vector<std::string>{"read_file", "grep", "cargo_check"};
  CHECK(!agent_can_write(&reader, writing));
  agents::AgentDefinition editor;
  editor.tools = std::vector<std::string>{"read_file", "edit_file"};
  CHECK(agent_can_write(&editor, writing));
  agents::AgentDefinition delegator;
  delegator.tools = std::vector<std::string>{"task"};
  CHECK(agent_can_write(&delegator, writing));
  agents::AgentDefinition defaults;  // no `tools`: every default tool
  CHECK(agent_can_write(&defaults, writing));
  CHECK(agent_can_write(nullptr, writing));
  agents::AgentDefinition pattern;
  pattern.tools = std::vector<std::string>{"cargo_*"};
  CHECK(!agent_can_write(&pattern, writing));
  pattern.tools = std::vector<std::string>{"*_file"};
  CHECK(agent_can_write(&pattern, writing));
  agents::AgentDefinition mcp;
  mcp.tools = std::vector<std::string>{"read_file", "mcp_github_push"};
  CHECK(agent_can_write(&mcp, writing));
  // A writing tool the agent's file disables does not count; `?` matches like `*` does.
  agents::AgentDefinition disabled;
  disabled.tools = std::vector<std::string>{"read_file", "edit_file"};
  disabled.disabled_tools = {"edit_file"};
  CHECK(!agent_can_write(&disabled, writing));
  agents::AgentDefinition one_char;
  one_char.tools = std::vector<std::string>{"ed?t_file"};
  CHECK(agent_can_write(&one_char, writing));
}

}  // namespace agentry::batch

namespace agentry::batch {

TEST_CASE("a finished task's line shows its id and error terminal-safe") {
  std::ostringstream out;
  {
    Progress progress(out, 1, false);
    BatchTask task;
    task.id = "t\x1b]0;owned\x07";
    progress.on_finish(
        task, {{"status", "error"}, {"error", {{"message", "boom\x1b[2J\rsafe\xe2\x80\xae"}}}});
  }
  CHECK(out.str().find("error   t (0ms): boom\\rsafe") != std::string::npos);
  CHECK(out.str().find('\x1b') == std::string::npos);
  CHECK(out.str().find("\xe2\x80\xae") == std::string::npos);
}

}  // namespace agentry::batch
