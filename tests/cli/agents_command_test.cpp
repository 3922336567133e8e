// `agentry agents show`: what it prints for agent files written by strangers.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "cli/support/agentry_harness.hpp"

namespace agentry::cli {
namespace {

using e2e::AgentryHome;
namespace fs = std::filesystem;

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Found by tests/fuzz (agent_parser): an unknown key or its value with a byte that is not UTF-8
// is kept in `extra`, and `agents show` printed it with a strict JSON dump, which threw
// ("internal error: invalid UTF-8 byte", exit 1).
TEST_CASE("agents show: invalid UTF-8 in unknown keys is printed, not an internal error") {
  const fs::path corpus = e2e::source_dir() / "tests/fuzz/corpus/agent_parser";
  const std::pair<const char*, const char*> cases[] = {
      {"crash-f4ed168198b170d076d3f5c56720dc3a50728ed9", "models"},  // a key: "\xEEmodal"
      {"crash-e00ec1080cecb257560fc44eafb0bd80aa79c399", "bom"},     // a value: "by\xF6te"
  };
  for (auto [input, name] : cases) {
    CAPTURE(input);
    AgentryHome home;
    fs::create_directories(home.root() / "extra");
    std::ofstream(home.root() / "extra" / (std::string(name) + ".md"), std::ios::binary)
        << read_bytes(corpus / input);
    auto shown = home.run(
        {"--agents-dir", (home.root() / "extra").string(), "agents", "show", name}, nullptr);
    CHECK_MESSAGE(shown.exit_code == 0, shown.err);
    CHECK(shown.err.find("internal error") == std::string::npos);
    CHECK(shown.out.find("extra:") != std::string::npos);
    CHECK(shown.out.find("\xEF\xBF\xBD") != std::string::npos);  // U+FFFD for the bad byte
  }
}

TEST_CASE("agents list --json: the tools field is what the agent is offered") {
  AgentryHome home;
  fs::create_directories(home.root() / "extra");
  std::ofstream(home.root() / "extra" / "lead.md")
      << "---\ndescription: leads\nmode: subagent\ntools: [\"*\"]\n---\nLead.\n";
  std::ofstream(home.root() / "extra" / "helper.md")
      << "---\ndescription: helps\nmode: subagent\ndisallowedTools: [\"cargo_*\", Write]\n---\n"
         "Help.\n";
  std::ofstream(home.root() / "extra" / "one.md")
      << "---\ndescription: one char\ntools: [\"t?sk\", \"gr?p\", mcp__github__create_issue]\n"
         "---\nOne.\n";
  auto listed = home.run(
      {"--agents-dir", (home.root() / "extra").string(), "agents", "list", "--json"}, nullptr);
  REQUIRE_MESSAGE(listed.exit_code == 0, listed.err);
  auto agents = nlohmann::json::parse(listed.out);
  auto tools_of = [&](const std::string& name) {
    for (const auto& a : agents)
      if (a["name"] == name) return a["tools"];
    FAIL("no agent " << name);
    return nlohmann::json();
  };
  auto lead = tools_of("lead");
  CHECK(lead.size() == 15);
  CHECK(std::find(lead.begin(), lead.end(), "task") != lead.end());
  CHECK(tools_of("helper") ==
        nlohmann::json::array({"read_file", "edit_file", "list_files", "glob", "grep", "clippy_fix",
                               "rustfmt", "bash", "skill"}));
  CHECK(tools_of("one") == nlohmann::json::array({"task", "grep", "mcp__github__create_issue"}));
}

}  // namespace
}  // namespace agentry::cli
