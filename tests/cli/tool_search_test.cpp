// tool_search end to end: the real binary with 5 MCP servers of 30 tools each (our own fixture,
// tests/fixtures/mcp/many_tools_server.py) and a scripted model that finds and calls a tool it
// was not shown; --continue still offers it.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "cli/support/agentry_harness.hpp"

namespace agentry::cli::e2e {
namespace {

std::vector<std::string> offered_tools(const json& request) {
  std::vector<std::string> names;
  for (const auto& t : request.value("tools", json::array()))
    names.push_back(t["function"]["name"].get<std::string>());
  return names;
}

std::vector<std::string> mcp_only(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& n : names)
    if (n.starts_with("mcp__")) out.push_back(n);
  return out;
}

}  // namespace

TEST_CASE(
    "agentry run: 150 MCP tools of 5 servers wait for tool_search, and the model finds and "
    "calls one it was not shown") {
  AgentryHome home;
  std::string script = (fs::path(AGENTRY_TEST_FIXTURES) / "mcp" / "many_tools_server.py").string();
  std::string config = "permissions: {mcp__s3__t17: allow}\nmcp_servers:\n";
  for (int s = 1; s <= 5; ++s)
    config +=
        fmt::format("  s{0}:\n    command: python3\n    args: [\"{1}\", s{0}, \"30\"{2}]\n", s,
                    script, s == 3 ? ", t17, \"Creates an invoice in the billing system\"" : "");
  home.write_config(config);
  auto server = start_fake(R"(
turns:
  - tool_calls:
      - {id: c1, name: tool_search, arguments: {query: "invoice billing"}}
  - tool_calls:
      - {id: c2, name: mcp__s3__t17, arguments: {id: A-1}}
  - text: Invoice created.
  - text: Still there.
)");
  auto r = home.run({"run", "--output-format", "json", "Bill the customer."}, server.get());
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  auto result = json_lines(r.out).at(0);
  CHECK(result["result"] == "Invoice created.");
  auto requests = server->requests();
  REQUIRE(requests.size() == 3);
  auto first = offered_tools(requests[0].json);
  CHECK(std::find(first.begin(), first.end(), "tool_search") != first.end());
  CHECK(mcp_only(first).empty());
  CHECK(mcp_only(offered_tools(requests[1].json)) == std::vector<std::string>{"mcp__s3__t17"});
  CHECK(requests[0].json["messages"][0]["content"].get<std::string>().find(
            "150 more tools, from the MCP servers s1 (30 tools)") != std::string::npos);
  CHECK(requests[2].json.dump().find(R"(s3/t17 ran with {\"id\": \"A-1\"})") != std::string::npos);

  // The next chat message, or --continue: the tool found is still sent, from the stored session.
  auto again =
      home.run({"run", "--continue", "--output-format", "json", "Is it there?"}, server.get());
  INFO("stderr: " << again.err);
  REQUIRE(again.exit_code == 0);
  requests = server->requests();
  REQUIRE(requests.size() == 4);
  CHECK(offered_tools(requests[3].json) == offered_tools(requests[2].json));
}

}  // namespace agentry::cli::e2e
