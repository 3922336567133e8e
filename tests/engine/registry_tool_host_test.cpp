#include "engine/registry_tool_host.hpp"

#include <fstream>

#include <doctest/doctest.h>

#include "core/build_paths.hpp"
#include "support/temp_dir.hpp"

namespace agentry::engine {

namespace {

/// The repo's real tools; no test here starts a process.
tools::ToolRegistry real_tools() {
  auto registry =
      tools::ToolRegistry::load(std::filesystem::path(AGENTRY_SOURCE_DIR) / "tools", {});
  REQUIRE_MESSAGE(registry, (registry ? "" : registry.error().to_string()));
  return std::move(*registry);
}

std::vector<std::string> names_of(const std::vector<ToolSchema>& schemas) {
  std::vector<std::string> out;
  for (const auto& s : schemas)
    out.push_back(s.name);
  return out;
}

}  // namespace

TEST_CASE("the tool host offers and runs what a ? pattern matches") {
  auto registry = real_tools();
  RegistryToolHost host(registry, tools::PermissionPolicy(), nullptr);
  agents::AgentDefinition agent;
  agent.name = "reader";
  agent.tools = std::vector<std::string>{"re?d_file", "gr?p"};
  CHECK(names_of(host.schemas_for(agent)) == std::vector<std::string>{"grep", "read_file"});

  agentry::testing::TempDir dir("agentry-host");
  std::ofstream(dir.path() / "notes.txt") << "hello\n";
  tools::ToolContext context{dir.path(), {}};
  auto read =
      host.execute(agent, ToolCall{"c1", "read_file", {{"path", "notes.txt"}}, {}}, context);
  REQUIRE(read);
  CHECK_FALSE(read->is_error);
  CHECK(read->content.find("hello") != std::string::npos);

  auto write = host.execute(
      agent, ToolCall{"c2", "write_file", {{"path", "x.txt"}, {"content", "x"}}, {}}, context);
  REQUIRE(write);
  CHECK(write->is_error);
  CHECK(write->content == "unknown tool 'write_file'; the tools you can call are: grep, read_file");
}

TEST_CASE("the tool host answers a bad permissionMode with the agent file's error") {
  auto registry = real_tools();
  RegistryToolHost host(registry, tools::PermissionPolicy(), nullptr);
  agents::AgentDefinition agent;
  agent.name = "odd";
  agent.source = "agents/odd.md";
  agent.extra = {{"permissionMode", "yolo"}};
  agentry::testing::TempDir dir("agentry-host");
  tools::ToolContext context{dir.path(), {}};
  auto result =
      host.execute(agent, ToolCall{"c1", "list_files", nlohmann::json::object(), {}}, context);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == ErrorCode::kConfig);
  CHECK(result.error().where == "agents/odd.md");
}

}  // namespace agentry::engine
