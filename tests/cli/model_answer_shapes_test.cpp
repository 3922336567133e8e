// `agentry run` end to end against answer shapes real servers send (issue 16, bugs 3 and 4):
// Magistral's content as a list of parts, and Anthropic's paused turns (pause_turn).
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "cli/support/agentry_harness.hpp"

namespace agentry::cli {
namespace {

using e2e::AgentryHome;
using e2e::start_fake;
using nlohmann::json;

TEST_CASE("run: a Magistral answer (thinking parts, then text parts) prints the text only") {
  AgentryHome home;
  auto server = start_fake(R"(
- text: "2 + 2 = 4"
  thinking: "SECRET-REASONING: two and two make four."
  content_parts: true
)");
  auto r = home.run({"run", "--output-format", "json", "What is 2 + 2?"}, server.get());
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  json j = json::parse(r.out);
  CHECK(j["result"] == "2 + 2 = 4");
  CHECK(r.out.find("SECRET-REASONING") == std::string::npos);
}

TEST_CASE("run: an Anthropic turn paused for a server tool is continued, the answer joined") {
  AgentryHome home;
  auto server = start_fake(R"(
- when: {turn: 1}
  server_blocks:
    - {type: server_tool_use, id: srvtoolu_1, name: web_search, input: {query: rust}}
    - {type: web_search_tool_result, tool_use_id: srvtoolu_1, content: []}
  text: "Searching. "
  finish_reason: pause_turn
- when: {turn: 2}
  text: "Rust 1.80 stabilised LazyLock."
)");
  home.write_config("providers:\n  fake:\n    kind: anthropic\n    base_url: " + server->url() +
                    "\n    model: fake-model\n");
  auto r = home.run(
      {"run", "--model", "fake/fake-model", "--output-format", "json", "What is new in Rust?"},
      server.get());
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  json j = json::parse(r.out);
  CHECK(j["result"] == "Searching. Rust 1.80 stabilised LazyLock.");
  CHECK(j["num_turns"] == 1);
  auto requests = server->requests();
  REQUIRE(requests.size() == 2);
  const json& messages = requests[1].json["messages"];
  REQUIRE(messages.size() >= 2);
  CHECK(messages.back()["role"] == "assistant");
  CHECK(messages.back()["content"].size() == 3);
  CHECK(messages.back()["content"][0]["type"] == "server_tool_use");
}

}  // namespace
}  // namespace agentry::cli
