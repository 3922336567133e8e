// MCP servers as the agents' tools, end to end: the real binary, a scripted model, and the real
// MCP servers of tests/mcp_servers (server-filesystem, server-memory, server-everything) named
// in the user's config. What the model is offered (`tools`, `mcpServers`), what it gets back,
// progress as stream-json events, permissions (deny, an unattended ask) and the trust rule.
#include <algorithm>
#include <fstream>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "cli/support/agentry_harness.hpp"
#include "support/json_schema_check.hpp"
#include "support/mcp_servers.hpp"

namespace agentry::cli::e2e {
namespace {

std::vector<std::string> offered(const json& request) {
  std::vector<std::string> names;
  for (const auto& t : request.value("tools", json::array()))
    names.push_back(t["function"]["name"]);
  return names;
}

std::size_t count_prefixed(const std::vector<std::string>& names, std::string_view prefix) {
  return static_cast<std::size_t>(std::count_if(
      names.begin(), names.end(), [&](const std::string& n) { return n.starts_with(prefix); }));
}

/// The tool results of a stream-json run, by call id.
std::map<std::string, json> finished_calls(const std::vector<json>& lines) {
  std::map<std::string, json> out;
  for (const auto& line : lines)
    if (line["type"] == "tool.finished") out[line["call"]["id"]] = line;
  return out;
}

/// fs (on the workspace), memory (its file in the home) and everything, over stdio.
std::string servers_config(const AgentryHome& home, const testing::RealMcpServers& servers) {
  return fmt::format(R"(mcp_servers:
  fs:
    command: {0}
    args: ["{1}", "{4}"]
  memory:
    command: {0}
    args: ["{2}"]
    env: {{MEMORY_FILE_PATH: "{5}"}}
  everything:
    command: {0}
    args: ["{3}", stdio]
    timeout: 60
)",
                     servers.node, servers.script("server-filesystem"),
                     servers.script("server-memory"), servers.script("server-everything"),
                     home.ws().string(), (home.root() / "memory.jsonl").string());
}

const json& stream_schema() {
  static const json kSchema =
      json::parse(testing::read_file(source_dir() / "examples" / "stream-json.schema.json"));
  return kSchema;
}

}  // namespace

TEST_CASE("run: a scripted model reads a directory, keeps an entity and sees progress over MCP") {
  auto servers = testing::real_mcp_servers();
  if (!servers) return;
  AgentryHome home;
  home.write_config(servers_config(home, *servers) + "permissions:\n  mcp__*: allow\n");
  fs::create_directories(home.ws() / "docs");
  { std::ofstream(home.ws() / "docs" / "readme.txt") << "the answer is 42\n"; }
  const std::string docs = (home.ws() / "docs").string();
  auto server = start_fake(fmt::format(R"(turns:
  - tool_calls:
      - {{id: call_ls, name: mcp__fs__list_directory, arguments: {{path: "{0}"}}}}
      - {{id: call_read, name: mcp__fs__read_text_file, arguments: {{path: "{0}/readme.txt"}}}}
  - tool_calls:
      - id: call_keep
        name: mcp__memory__create_entities
        arguments: {{entities: [{{name: Ada, entityType: person, observations: [wrote the first program]}}]}}
  - tool_calls:
      - {{id: call_open, name: mcp__memory__open_nodes, arguments: {{names: [Ada]}}}}
  - tool_calls:
      - id: call_long
        name: mcp__everything__trigger-long-running-operation
        arguments: {{duration: 1, steps: 2}}
  - text: All done.
)",
                                       docs));
  auto r = home.run({"run", "--output-format", "stream-json", "read the docs"}, server.get());
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  auto lines = json_lines(r.out);
  for (const auto& line : lines)
    CHECK_MESSAGE(testing::schema_problems(stream_schema(), line, true).empty(), line.dump());
  auto calls = finished_calls(lines);
  REQUIRE(calls.size() == 5);
  CHECK(calls["call_ls"]["content"] == "[FILE] readme.txt");
  CHECK(calls["call_read"]["content"] == "the answer is 42\n");
  CHECK(calls["call_keep"]["is_error"] == false);
  CHECK(calls["call_open"]["content"].get<std::string>().find("wrote the first program") !=
        std::string::npos);
  CHECK(calls["call_long"]["content"].get<std::string>().find("Long running operation completed") !=
        std::string::npos);
  for (const auto& [id, call] : calls)
    CHECK_MESSAGE(call["is_error"] == false, call.dump());

  std::vector<json> progress;
  for (const auto& line : lines)
    if (line["type"] == "tool.progress") progress.push_back(line);
  REQUIRE(progress.size() == 2);
  CHECK(progress[0]["call_id"] == "call_long");
  CHECK(progress[0]["progress"] == 1);
  CHECK(progress[0]["total"] == 2);
  CHECK(progress[1]["progress"] == 2);

  // The model was offered every server's tools under their mcp__ names, with their schemas,
  // and read the results.
  auto requests = server->requests();
  REQUIRE(requests.size() == 5);
  auto names = offered(requests[0].json);
  CHECK(count_prefixed(names, "mcp__fs__") > 5);
  CHECK(count_prefixed(names, "mcp__memory__") > 5);
  CHECK(std::find(names.begin(), names.end(), "mcp__everything__echo") != names.end());
  for (const auto& tool : requests[0].json["tools"]) {
    if (tool["function"]["name"] == "mcp__fs__read_text_file") {
      CHECK(tool["function"]["parameters"]["properties"].contains("path"));
      CHECK_FALSE(tool["function"]["description"].get<std::string>().empty());
    }
  }
  CHECK(requests[1].json["messages"].dump().find("the answer is 42") != std::string::npos);
  CHECK(testing::none_left_with(home.ws().string()));
}

TEST_CASE("run: an agent with mcpServers and tools mcp__memory__* gets exactly those tools") {
  auto servers = testing::real_mcp_servers();
  if (!servers) return;
  AgentryHome home;
  home.write_config(servers_config(home, *servers));
  fs::path agents = home.root() / "config" / "agentry" / "agents";
  fs::create_directories(agents);
  {
    std::ofstream(agents / "keeper.md") << "---\ndescription: Keeps notes\nmode: primary\n"
                                           "mcpServers: [memory]\ntools: mcp__memory__*\n---\n"
                                           "You keep notes.\n";
    std::ofstream(agents / "own.md") << fmt::format(
        "---\ndescription: Own memory\nmode: primary\nmcpServers:\n  - notes:\n"
        "      command: {}\n      args: [\"{}\"]\n      env: {{MEMORY_FILE_PATH: \"{}\"}}\n"
        "tools: mcp__notes__*\n---\nYou keep your own notes.\n",
        servers->node, servers->script("server-memory"), (home.root() / "own.jsonl").string());
  }
  auto server = start_fake("turns:\n  - text: Noted.\n  - text: Noted.\n");
  auto keeper = home.run({"run", "--agent", "keeper", "remember"}, server.get());
  CHECK_MESSAGE(keeper.exit_code == 0, keeper.err);
  auto own = home.run({"run", "--agent", "own", "remember"}, server.get());
  CHECK_MESSAGE(own.exit_code == 0, own.err);
  auto requests = server->requests();
  REQUIRE(requests.size() == 2);
  auto names = offered(requests[0].json);
  CHECK(names.size() >= 9);
  CHECK(count_prefixed(names, "mcp__memory__") == names.size());
  CHECK(std::find(names.begin(), names.end(), "mcp__memory__open_nodes") != names.end());
  auto own_names = offered(requests[1].json);
  CHECK(own_names.size() == names.size());
  CHECK(count_prefixed(own_names, "mcp__notes__") == own_names.size());
  CHECK(testing::none_left_with(home.root().string()));
}

TEST_CASE("run: a deny rule refuses an MCP call, and an unattended ask does not run") {
  auto servers = testing::real_mcp_servers();
  if (!servers) return;
  AgentryHome home;
  home.write_config(servers_config(home, *servers) +
                    "permissions:\n  mcp__memory__delete_entities: deny\n");
  auto server = start_fake(R"(turns:
  - tool_calls:
      - {id: call_del, name: mcp__memory__delete_entities, arguments: {entityNames: [Ada]}}
      - {id: call_read, name: mcp__memory__read_graph, arguments: {}}
  - text: Could not.
)");
  auto r = home.run({"run", "--output-format", "stream-json", "forget Ada"}, server.get());
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  auto calls = finished_calls(json_lines(r.out));
  REQUIRE(calls.size() == 2);
  CHECK(calls["call_del"]["is_error"] == true);
  CHECK(calls["call_del"]["content"].get<std::string>().starts_with(
      "permission denied: `mcp__memory__delete_entities` is not allowed"));
  CHECK(calls["call_read"]["is_error"] == true);
  CHECK(calls["call_read"]["content"].get<std::string>().starts_with(
      "`mcp__memory__read_graph` did not run: nobody can approve"));
  CHECK(testing::none_left_with(home.root().string()));
}

TEST_CASE("run: an untrusted project's .mcp.json and inline servers start nothing") {
  AgentryHome home;
  home.write_config("{}\n");
  fs::create_directories(home.ws() / ".git");
  fs::path marker = home.root() / "started";
  const std::string bad = (fs::path(AGENTRY_TEST_FIXTURES) / "mcp" / "bad_server.py").string();
  {
    std::ofstream(home.ws() / ".mcp.json") << fmt::format(
        R"({{"mcpServers": {{"proj": {{"command": "python3", "args": ["{}", "crash", "{}"]}}}}}})",
        bad, marker.string());
    fs::create_directories(home.ws() / ".agentry" / "agents");
    std::ofstream(home.ws() / ".agentry" / "agents" / "sneaky.md") << fmt::format(
        "---\ndescription: Sneaky\nmode: primary\nmcpServers:\n  - inl:\n"
        "      command: python3\n      args: [\"{}\", crash, \"{}\"]\n---\nHi.\n",
        bad, marker.string());
  }
  auto server = start_fake("turns:\n  - text: Hello.\n  - text: Hello.\n");
  auto r = home.run({"run", "hello"}, server.get());
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.err.find("is not trusted, so the MCP servers of its .mcp.json (proj) are not started") !=
        std::string::npos);
  auto sneaky = home.run({"run", "--agent", "sneaky", "hello"}, server.get());
  CHECK_MESSAGE(sneaky.exit_code == 0, sneaky.err);
  CHECK(sneaky.err.find("defines (inl) are not started") != std::string::npos);
  auto requests = server->requests();
  REQUIRE(requests.size() == 2);
  for (const auto& request : requests)
    CHECK(count_prefixed(offered(request.json), "mcp__") == 0);
  CHECK_FALSE(fs::exists(marker));
  CHECK(testing::processes_with(bad).empty());
}

}  // namespace agentry::cli::e2e
