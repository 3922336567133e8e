// mcp__<server>__<tool> names that every model API accepts, unique, collisions reported.
#include "mcpclient/tool_names.hpp"

#include <regex>

#include <doctest/doctest.h>

namespace agentry::mcpclient {

TEST_CASE("name_tools: mcp__server__tool, sanitised to the model APIs' pattern") {
  auto naming = name_tools({{"memory", {"create_entities", "read-graph"}},
                            {"my.server", {"tool with spaces", "ünïcode/tool"}},
                            {"", {""}}});
  const std::regex api_pattern("^[a-zA-Z0-9_-]{1,64}$");
  std::vector<std::string> names;
  for (const auto& tool : naming.tools) {
    CHECK_MESSAGE(std::regex_match(tool.name, api_pattern), tool.name);
    names.push_back(tool.name);
  }
  CHECK(names[0] == "mcp__memory__create_entities");
  CHECK(names[1] == "mcp__memory__read-graph");
  CHECK(names[2] == "mcp__my_server__tool_with_spaces");
  CHECK(names[3].starts_with("mcp__my_server__"));
  CHECK(names[4] == "mcp______");                 // mcp__ _ __ _
  CHECK(naming.tools[3].tool == "ünïcode/tool");  // the server's own name is kept for the call
  CHECK(naming.collisions.empty());
}

TEST_CASE("name_tools: long names keep a stable hash, collisions get a suffix and a report") {
  std::string long_tool(100, 'x');
  auto naming = name_tools({{"a.b", {"x", long_tool, long_tool + "y"}}, {"a_b", {"x"}}});
  REQUIRE(naming.tools.size() == 4);
  CHECK(naming.tools[1].name.size() == 64);
  CHECK(naming.tools[2].name.size() == 64);
  CHECK(naming.tools[1].name != naming.tools[2].name);  // same prefix, different hashes
  CHECK(name_tools({{"a.b", {long_tool}}}).tools[0].name == naming.tools[1].name);
  CHECK(naming.tools[0].name == "mcp__a_b__x");
  CHECK(naming.tools[3].name == "mcp__a_b__x_2");
  REQUIRE(naming.collisions.size() == 1);
  CHECK(naming.collisions[0] ==
        "mcp__a_b__x (server a_b, tool x) is called mcp__a_b__x_2: mcp__a_b__x is taken by "
        "server a.b, tool x");
}

}  // namespace agentry::mcpclient
