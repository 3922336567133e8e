// Tool search: MCP tools over the budget are left out of requests until the model searches for
// them (or calls one by name); what it found stays in every later request of the session.
#include "engine/tool_search.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "engine/compaction.hpp"
#include "engine/rig.hpp"

namespace agentry::engine {

using nlohmann::json;
using testing::call;
using testing::Rig;

namespace {

/// `mcp__s{1..servers}__t{1..per_server}`, each with a small schema; mcp__s3__t17 is the one
/// tool about invoices.
std::vector<ToolSchema> mcp_tools(int servers = 5, int per_server = 30,
                                  std::size_t description_chars = 0) {
  std::vector<ToolSchema> out;
  for (int s = 1; s <= servers; ++s) {
    for (int t = 1; t <= per_server; ++t) {
      std::string description =
          s == 3 && t == 17 ? "Creates an invoice in the billing system"
                            : fmt::format("Reports item {} of the records kept by server {}", t, s);
      description.resize(std::max(description.size(), description_chars), '.');
      out.push_back(
          ToolSchema{fmt::format("mcp__s{}__t{}", s, t), description,
                     json{{"type", "object"},
                          {"properties",
                           {{"id", {{"type", "string"}, {"description", "The record's id"}}},
                            {"count", {{"type", "integer"}}}}},
                          {"required", {"id"}}}});
    }
  }
  return out;
}

std::vector<std::string> tool_names(const std::vector<ToolSchema>& tools) {
  std::vector<std::string> names;
  for (const auto& t : tools)
    names.push_back(t.name);
  return names;
}

const std::vector<std::string> kNative{"read_file", "cargo_clippy", "task"};

std::vector<std::string> native_and(std::vector<std::string> more) {
  std::vector<std::string> names = kNative;
  names.insert(names.end(), more.begin(), more.end());
  return names;
}

ToolCall search_call(std::string id, std::string query) {
  return call(std::move(id), kToolSearchToolName, json{{"query", std::move(query)}});
}

std::string result_of(const RunResult& run, const std::string& call_id) {
  for (const auto& record : run.tool_calls)
    if (record.call.id == call_id) return record.result.content;
  return "(no result)";
}

RunRequest resume(const std::string& session, std::string task) {
  RunRequest r;
  r.task = std::move(task);
  r.resume_session = session;
  r.cwd = std::filesystem::temp_directory_path();
  return r;
}

}  // namespace

TEST_CASE(
    "tool search: the first request carries native tools and tool_search, not 150 MCP "
    "tools; a found tool is offered from the next request on") {
  Rig rig;
  rig.tools.more = mcp_tools();
  rig.provider->push_calls({search_call("c1", "invoice billing")});
  rig.provider->push_calls({call("c2", "mcp__s3__t17", {{"id", "A-1"}})});
  rig.provider->push_text("invoice created");
  auto run = rig.run("bill the customer");
  REQUIRE(run);
  CHECK(run->result == "invoice created");
  auto requests = rig.provider->requests();
  REQUIRE(requests.size() == 3);
  CHECK(tool_names(requests[0].tools) == native_and({"tool_search"}));
  CHECK(requests[0].system.find("150 more tools, from the MCP servers s1 (30 tools), s2 (30 "
                                "tools), s3 (30 tools), s4 (30 tools), s5 (30 tools)") !=
        std::string::npos);
  auto found = result_of(*run, "c1");
  CHECK(found.find("1 tool found for \"invoice billing\" (of 150 searchable)") !=
        std::string::npos);
  CHECK(found.find("mcp__s3__t17\n  Creates an invoice in the billing system\n  parameters: "
                   "count (integer); id (string, required): The record's id") != std::string::npos);
  CHECK(tool_names(requests[1].tools) == native_and({"tool_search", "mcp__s3__t17"}));
  CHECK(tool_names(requests[2].tools) == tool_names(requests[1].tools));
  CHECK(requests[1].tools.back().parameters == rig.tools.more[2 * 30 + 16].parameters);
  REQUIRE(rig.tools.calls.size() == 1);  // tool_search itself is the engine's
  CHECK(rig.tools.calls[0].name == "mcp__s3__t17");
  CHECK(result_of(*run, "c2") == "ok: {\"id\":\"A-1\"}");
}

TEST_CASE("tool search: the opening (agentry context) shows what the first request carries") {
  Rig rig;
  rig.tools.more = mcp_tools();
  rig.provider->push_text("ok");
  RunRequest r;
  r.cwd = std::filesystem::temp_directory_path();
  auto opening = rig.make().opening(r);
  REQUIRE(opening);
  REQUIRE(rig.run("go"));
  auto first = rig.provider->requests().at(0);
  CHECK(tool_names(opening->tools) == tool_names(first.tools));
  CHECK(opening->system.text() == first.system);
  REQUIRE_FALSE(opening->system.pieces.empty());
  CHECK(opening->system.pieces.back().name == "tool_search");
}

TEST_CASE(
    "tool search: a deferred tool called by name without a search runs, and is offered "
    "from then on, after the tools activated before it") {
  Rig rig;
  rig.tools.more = mcp_tools();
  rig.provider->push_calls({search_call("c1", "select:mcp__s1__t2, mcp__s2__t9")});
  rig.provider->push_calls({call("c2", "mcp__s5__t30", {{"id", "z"}})});
  rig.provider->push_text("done");
  auto run = rig.run("go");
  REQUIRE(run);
  auto requests = rig.provider->requests();
  REQUIRE(requests.size() == 3);
  CHECK(tool_names(requests[1].tools) == native_and({"tool_search", "mcp__s1__t2", "mcp__s2__t9"}));
  CHECK(result_of(*run, "c2") == "ok: {\"id\":\"z\"}");
  CHECK(tool_names(requests[2].tools) ==
        native_and({"tool_search", "mcp__s1__t2", "mcp__s2__t9", "mcp__s5__t30"}));
}

TEST_CASE("tool search: under the budget, or with tool_search never, every tool is sent") {
  Rig rig;
  SUBCASE("40 small tools are within the budget") {
    rig.tools.more = mcp_tools(4, 10);
  }
  SUBCASE("never sends 150") {
    rig.tools.more = mcp_tools();
    rig.limits.tool_search.mode = ToolSearchMode::kNever;
  }
  rig.provider->push_text("ok");
  REQUIRE(rig.run("go"));
  auto request = rig.provider->requests().at(0);
  CHECK(request.tools.size() == 3 + rig.tools.more.size());
  CHECK(tool_names(request.tools).back() == "task");  // the ToolHost's order, then task
  CHECK(request.system.find("tool_search") == std::string::npos);
}

TEST_CASE(
    "tool search: the budget counts tools and schema tokens, and always defers any MCP tool") {
  Rig rig;
  SUBCASE("41 tools are over 40") {
    rig.tools.more = mcp_tools(1, 41);
  }
  SUBCASE("20 tools of 2,000 characters each are over 10,000 tokens") {
    rig.tools.more = mcp_tools(1, 20, 2000);
  }
  SUBCASE("always, with 3 tools") {
    rig.tools.more = mcp_tools(1, 3);
    rig.limits.tool_search.mode = ToolSearchMode::kAlways;
  }
  SUBCASE("a lower configured budget") {
    rig.tools.more = mcp_tools(1, 6);
    rig.limits.tool_search.max_tools = 5;
  }
  rig.provider->push_text("ok");
  REQUIRE(rig.run("go"));
  CHECK(tool_names(rig.provider->requests().at(0).tools) == native_and({"tool_search"}));
}

TEST_CASE(
    "tool search: a continued session offers the tools activated before, in the same "
    "order, also after a compaction") {
  Rig rig;
  rig.tools.more = mcp_tools();
  rig.provider->push_calls(
      {call("c1", kToolSearchToolName, {{"query", "s4 t12"}, {"max_results", 1}})});
  rig.provider->push_calls({call("c2", "mcp__s2__t5", {{"id", "q"}})});
  rig.provider->push_text("first done");
  auto first = rig.run("first");
  REQUIRE(first);
  auto activated = native_and({"tool_search", "mcp__s4__t12", "mcp__s2__t5"});
  CHECK(tool_names(rig.provider->requests().at(2).tools) == activated);

  rig.provider->push_text("second done");
  REQUIRE(rig.make().run(resume(first->session_id, "second"), {}));
  CHECK(tool_names(rig.provider->requests().at(3).tools) == activated);

  // /compact: the summary replaces the calls that activated the tools, and says which they were.
  rig.provider->push_text("We searched for tools and used two of them.");
  RunRequest compact = resume(first->session_id, "");
  compact.compact_only = true;
  REQUIRE(rig.make().run(compact, {}));
  auto view = rig.sessions.sessions.at(first->session_id).compactions.at(0).view;
  CHECK(view.at(0).text.find("Tools activated with tool_search in this session (still in your "
                             "tools): mcp__s4__t12, mcp__s2__t5.") != std::string::npos);
  // This session is so short that the summary kept every turn verbatim: keep only the summary,
  // as a longer session's compaction would, so that no call is left to derive the set from.
  rig.sessions.sessions.at(first->session_id).messages = {view.at(0)};

  rig.provider->push_text("third done");
  REQUIRE(rig.make().run(resume(first->session_id, "third"), {}));
  CHECK(tool_names(rig.provider->requests().back().tools) == activated);
}

TEST_CASE("tool search ranks name hits over description hits and explains what it cannot do") {
  std::vector<ToolSchema> tools = mcp_tools(2, 3);
  tools.push_back({"mcp__db__query", "Runs SQL on the billing database", json::object()});
  tools.push_back({"mcp__billing__list", "Lists accounts", json::object()});
  tools.push_back({"read_file", "Read a file", json::object()});
  auto search = ToolSearch::plan(tools, {ToolSearchMode::kAlways, 40, 10000});
  REQUIRE(search);
  CHECK(tool_names(search->offered()) == std::vector<std::string>{"read_file", "tool_search"});
  CHECK(search->deferred_count() == 8);
  CHECK(search->servers() == "s1 (3 tools), s2 (3 tools), db (1 tool), billing (1 tool)");

  auto find = [&](json arguments) {
    std::vector<std::string> names;
    for (auto i : search->find(arguments).tools)
      names.push_back(tools[i].name);  // the deferred tools are the first 8, in this order
    return names;
  };
  // "billing" is in the name of one (3) and the description of the other (1).
  CHECK(find({{"query", "billing"}}) ==
        std::vector<std::string>{"mcp__billing__list", "mcp__db__query"});
  CHECK(find({{"query", "Billing SQL"}}) ==
        std::vector<std::string>{"mcp__billing__list", "mcp__db__query"});
  CHECK(find({{"query", "records"}, {"max_results", 2}}) ==
        std::vector<std::string>{"mcp__s1__t1", "mcp__s1__t2"});
  CHECK(find({{"query", "records"}, {"max_results", 500}}).size() == 6);
  CHECK(find({{"query", "mcp__db__query"}}) == std::vector<std::string>{"mcp__db__query"});
  CHECK(find({{"query", "select:mcp__s2__t3,mcp__s1__t1"}}) ==
        std::vector<std::string>{"mcp__s2__t3", "mcp__s1__t1"});

  auto run = [&](json arguments) {
    return search->run(ToolCall{"id", kToolSearchToolName, std::move(arguments), {}});
  };
  auto none = run({{"query", "weather forecast"}});
  CHECK_FALSE(none.is_error);
  CHECK(none.content.find("No searchable tool matches \"weather forecast\". The 8 searchable "
                          "tools are on the MCP servers s1 (3 tools)") == 0);
  auto unknown = run({{"query", "select:mcp__nope__x,read_file"}});
  CHECK(unknown.is_error);
  CHECK(unknown.content.find("No searchable tool is named mcp__nope__x, read_file") !=
        std::string::npos);
  CHECK(run({{"query", 5}}).is_error);
  CHECK(run(json::array()).content.starts_with("rewrite your input"));
  CHECK(run({{"query", "?!"}}).content.starts_with("rewrite your input"));
  CHECK(run({{"query", "x"}, {"max_results", 0}}).is_error);
  // A search changes nothing; note_calls activates, once, in call order.
  CHECK(search->offered().size() == 2);
  auto added = search->note_calls({ToolCall{"a", kToolSearchToolName, {{"query", "billing"}}, {}},
                                   ToolCall{"b", "mcp__s2__t1", json::object(), {}},
                                   ToolCall{"c", "mcp__db__query", json::object(), {}},
                                   ToolCall{"d", "read_file", {}, {}}});
  CHECK(added > 0);
  CHECK(tool_names(search->offered()) == std::vector<std::string>{"read_file", "tool_search",
                                                                  "mcp__billing__list",
                                                                  "mcp__db__query", "mcp__s2__t1"});
  CHECK(search->note_calls({ToolCall{"e", "mcp__s2__t1", json::object(), {}}}) == 0);

  // A compaction's summary carries the set; a new session's replay of it restores the order.
  auto again = ToolSearch::plan(tools, {ToolSearchMode::kAlways, 40, 10000});
  REQUIRE(again);
  again->replay(compacted_view("summary" + search->summary_note(), {Message::user("go on")}));
  CHECK(tool_names(again->offered()) == tool_names(search->offered()));
}

TEST_CASE("tool_search modes parse from their config words") {
  CHECK(parse_tool_search_mode("auto") == ToolSearchMode::kAuto);
  CHECK(parse_tool_search_mode("always") == ToolSearchMode::kAlways);
  CHECK(parse_tool_search_mode("never") == ToolSearchMode::kNever);
  CHECK_FALSE(parse_tool_search_mode("sometimes"));
  CHECK(is_deferrable("mcp__github__create_issue"));
  CHECK_FALSE(is_deferrable("read_file"));
  // 32 characters of framing (ContextBudget's), 2 + 2 + 2 ("{}"): 38 at 3 a token.
  CHECK(schema_tokens({ToolSchema{"ab", "cd", json::object()}}) == 13);
}

}  // namespace agentry::engine
