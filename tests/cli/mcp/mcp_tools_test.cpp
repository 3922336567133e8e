#include "cli/mcp/mcp_tools.hpp"

#include <regex>

#include <doctest/doctest.h>

#include "cli/mcp/fake_runner.hpp"
#include "engine/event_json.hpp"
#include "support/temp_dir.hpp"

namespace agentry::cli::mcp {

using agents::AgentMode;
using nlohmann::json;
using testing::make_agent;

namespace {

std::vector<const agents::AgentDefinition*> pointers(
    const std::vector<agents::AgentDefinition>& v) {
  std::vector<const agents::AgentDefinition*> out;
  for (const auto& d : v)
    out.push_back(&d);
  return out;
}

std::vector<std::string> tool_names(const json& tools) {
  std::vector<std::string> names;
  for (const auto& t : tools)
    names.push_back(t["name"]);
  return names;
}

}  // namespace

TEST_CASE("sanitize_tool_name keeps [A-Za-z0-9_-] and at most 64 characters") {
  CHECK(sanitize_tool_name("rust-pro") == "rust-pro");
  CHECK(sanitize_tool_name("team/rust.pro v2") == "team_rust_pro_v2");
  CHECK(sanitize_tool_name("") == "agent");
  CHECK(sanitize_tool_name(std::string(80, 'a')) == std::string(64, 'a'));
  CHECK(sanitize_tool_name("é") == "__");
}

TEST_CASE("ToolCatalog offers subagents by default, in name order, then list_agents") {
  std::vector<agents::AgentDefinition> defs{
      make_agent("alpha", AgentMode::kAll), make_agent("orchestrator", AgentMode::kPrimary),
      make_agent("rust-pro", AgentMode::kSubagent), make_agent("secret", AgentMode::kSubagent)};
  defs[3].hidden = true;
  auto catalog = ToolCatalog::build(pointers(defs), {});
  REQUIRE(catalog.has_value());
  json tools = catalog->list();
  CHECK(tool_names(tools) == std::vector<std::string>{"alpha", "rust-pro", "list_agents"});
  const std::regex valid("^[a-zA-Z0-9_-]{1,64}$");
  for (const auto& t : tools) {
    CHECK(std::regex_match(t["name"].get<std::string>(), valid));
    CHECK(t["inputSchema"]["type"] == "object");
    CHECK(t["outputSchema"]["type"] == "object");
  }
  CHECK(tools[1]["inputSchema"]["required"] == json{"task"});
  CHECK(tools[1]["inputSchema"]["properties"].size() == 3);
  CHECK(tools[1]["description"].get<std::string>().find("does rust-pro things") !=
        std::string::npos);
  CHECK(catalog->find("rust-pro")->agent == "rust-pro");
  CHECK(catalog->find("orchestrator") == nullptr);
  CHECK(catalog->find("list_agents") == nullptr);
}

TEST_CASE("ToolCatalog: chosen agents, sanitised names, collisions and unknown names") {
  std::vector<agents::AgentDefinition> defs{make_agent("list_agents", AgentMode::kSubagent),
                                            make_agent("my.agent", AgentMode::kPrimary),
                                            make_agent("my_agent", AgentMode::kSubagent)};
  auto catalog = ToolCatalog::build(pointers(defs), {"my.agent", "my_agent", "list_agents"});
  REQUIRE(catalog.has_value());
  CHECK(tool_names(catalog->list()) ==
        std::vector<std::string>{"list_agents_2", "my_agent", "my_agent_2", "list_agents"});
  CHECK(catalog->find("my_agent")->agent == "my.agent");
  CHECK(catalog->find("my_agent_2")->agent == "my_agent");
  CHECK(catalog->find("list_agents_2")->agent == "list_agents");

  auto unknown = ToolCatalog::build(pointers(defs), {"nope"});
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == ErrorCode::kUsage);
  CHECK(unknown.error().message == "no agent named \"nope\"");
  CHECK(unknown.error().hint == "choose one of: list_agents, my.agent, my_agent");
}

TEST_CASE("list_agents result matches its output schema's shape") {
  std::vector<agents::AgentDefinition> defs{make_agent("rust-pro", AgentMode::kSubagent, "Rust")};
  defs[0].model = "sonnet";
  auto catalog = ToolCatalog::build(pointers(defs), {});
  REQUIRE(catalog.has_value());
  json r = catalog->list_agents_result();
  CHECK(r["isError"] == false);
  CHECK(r["structuredContent"] == json{{"agents",
                                        {{{"tool", "rust-pro"},
                                          {"agent", "rust-pro"},
                                          {"description", "Rust"},
                                          {"mode", "subagent"},
                                          {"model", "sonnet"}}}}});
  CHECK(r["content"][0]["text"] == "- rust-pro (tool `rust-pro`): Rust\n");
}

TEST_CASE("parse_call_arguments checks types, names and the roots") {
  agentry::testing::TempDir dir;
  dir.write("inside/sub/file.txt", "x");
  agentry::testing::TempDir other;
  auto root = tools::Workspace::open(dir.path());
  REQUIRE(root.has_value());
  std::vector<tools::Workspace> roots{*root};
  auto real = std::filesystem::canonical(dir.path());

  auto ok = parse_call_arguments({{"task", "fix it"}, {"cwd", "inside/sub"}, {"session_id", "s1"}},
                                 roots);
  REQUIRE(ok.has_value());
  CHECK(ok->task == "fix it");
  CHECK(ok->cwd == real / "inside" / "sub");
  CHECK(ok->session_id == "s1");

  auto fallback = parse_call_arguments({{"task", "t"}}, roots);
  REQUIRE(fallback.has_value());
  CHECK(fallback->cwd == real);

  auto absolute = parse_call_arguments({{"task", "t"}, {"cwd", (real / "inside").string()}}, roots);
  REQUIRE(absolute.has_value());
  CHECK(absolute->cwd == real / "inside");

  auto outside = parse_call_arguments({{"task", "t"}, {"cwd", other.path().string()}}, roots);
  REQUIRE_FALSE(outside.has_value());
  CHECK(outside.error().code == ErrorCode::kPermission);
  CHECK(outside.error().message.find("is outside the roots this server may work in") !=
        std::string::npos);

  auto escape = parse_call_arguments({{"task", "t"}, {"cwd", "inside/../.."}}, roots);
  REQUIRE_FALSE(escape.has_value());
  CHECK(escape.error().code == ErrorCode::kPermission);

  auto missing_dir = parse_call_arguments({{"task", "t"}, {"cwd", "nope"}}, roots);
  REQUIRE_FALSE(missing_dir.has_value());
  CHECK(missing_dir.error().message.find("is not an existing directory") != std::string::npos);

  auto file = parse_call_arguments({{"task", "t"}, {"cwd", "inside/sub/file.txt"}}, roots);
  REQUIRE_FALSE(file.has_value());

  auto no_task = parse_call_arguments({{"cwd", "inside"}}, roots);
  REQUIRE_FALSE(no_task.has_value());
  CHECK(no_task.error().message == "`task` is required: describe what the agent should do");

  auto blank = parse_call_arguments({{"task", "  \n"}}, roots);
  REQUIRE_FALSE(blank.has_value());

  auto typed = parse_call_arguments({{"task", 5}}, roots);
  REQUIRE_FALSE(typed.has_value());
  CHECK(typed.error().message == "argument `task` must be a string");

  auto extra = parse_call_arguments({{"task", "t"}, {"model", "x"}}, roots);
  REQUIRE_FALSE(extra.has_value());
  CHECK(extra.error().message.rfind("unknown argument `model`", 0) == 0);
}

TEST_CASE("run results: answer as text, the public result JSON as structuredContent") {
  engine::TaskRequest request;
  request.agent = "rust-pro";
  engine::RunResult r = testing::finished(request, "All good.");
  json call = run_result_to_call_result(r);
  CHECK(call["isError"] == false);
  CHECK(call["content"][0] == json{{"type", "text"}, {"text", "All good."}});
  CHECK(call["content"][1]["text"] ==
        "[agentry: agent rust-pro, session_id sess-rust-pro, stop_reason completed, 2 turns, 100 "
        "input / 20 output tokens, cost $0.5000]");
  CHECK(call["structuredContent"] == engine::result_to_json(r));

  r.reason = engine::StopReason::kLoopDetected;
  r.result.clear();
  r.cost_usd.reset();
  json looped = run_result_to_call_result(r);
  CHECK(looped["isError"] == true);
  CHECK(looped["content"][0]["text"] == "(no final answer: the agent stopped with loop_detected)");
  CHECK(looped["structuredContent"]["total_cost_usd"].is_null());

  json failed =
      run_error_to_call_result(Error{ErrorCode::kAuth, "401 from provider", "openai"}, "", 12);
  CHECK(failed["isError"] == true);
  CHECK(failed["content"][0]["text"] ==
        "agentry could not finish the task: openai: 401 from provider");
  CHECK(failed["structuredContent"]["error"]["code"] == "auth");
  CHECK(failed["structuredContent"]["session_id"].is_null());
  for (const auto& key :
       {"result", "is_error", "stop_reason", "session_id", "usage", "total_cost_usd"})
    CHECK(failed["structuredContent"].contains(key));
}

}  // namespace agentry::cli::mcp
