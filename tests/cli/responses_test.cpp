// `agentry run` over OpenAI's Responses API (kind: openai-responses) against the fake server's
// /v1/responses route, with its reasoning rules on: encrypted reasoning items are issued before
// every function call, and a request that sends a call back without its item is refused.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "cli/support/agentry_harness.hpp"
#include "cli/support/delegation_script.hpp"

namespace agentry::cli {
namespace {

using e2e::AgentryHome;
using e2e::json_lines;
using e2e::start_fake;
using nlohmann::json;

/// How many input items of `request` are reasoning items the fake issued.
int reasoning_items(const json& request) {
  int n = 0;
  for (const auto& item : request.value("input", json::array())) {
    if (item.value("type", "") == "reasoning" && item.contains("encrypted_content")) ++n;
  }
  return n;
}

TEST_CASE("the demo task end to end over kind openai-responses: it completes, nothing refused") {
  AgentryHome home;
  e2e::copy_crate(e2e::source_dir() / "examples" / "tempconv", home.ws());
  REQUIRE(home.run_tool({"cargo", "clippy", "--quiet", "--", "-D", "warnings"}).exit_code != 0);

  auto server =
      start_fake(std::string("server: {thinking_rules: true}\n") + e2e::kDelegationScript);
  home.write_config("providers:\n  codex:\n    kind: openai-responses\n    base_url: " +
                    server->url("/v1") + "\n    model: gpt-5-codex\n");
  auto r = home.run(
      {"run", "--output-format", "stream-json", "--permission-mode", "accept-edits", e2e::kFixTask},
      server.get());
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  auto lines = json_lines(r.out);
  REQUIRE_FALSE(lines.empty());
  const json& result = lines.back();
  REQUIRE(result["type"] == "result");
  CHECK(result["is_error"] == false);
  CHECK(result["stop_reason"] == "completed");
  CHECK(result["result"] == "rust-pro fixed the crate.");
  REQUIRE(result["tool_calls"].size() == 7);

  auto requests = server->requests();
  REQUIRE(requests.size() == 9);
  CHECK(server->totals().refused == 0);
  for (const auto& request : requests) {
    INFO("request " << request.number);
    CHECK(request.path == "/v1/responses");
    CHECK_FALSE(request.refused);
    CHECK(request.json["store"] == false);
    CHECK(request.json["model"] == "gpt-5-codex");
  }
  // rust-pro's later requests carry back the reasoning item of each of its earlier answers (its
  // first request has none; each answer adds one), and the orchestrator's last one its own.
  CHECK(reasoning_items(requests[1].json) == 0);
  CHECK(reasoning_items(requests[2].json) == 1);
  CHECK(reasoning_items(requests[7].json) == 6);
  CHECK(reasoning_items(requests[8].json) == 1);

  auto clippy = home.run_tool({"cargo", "clippy", "--quiet", "--", "-D", "warnings"});
  CHECK_MESSAGE(clippy.exit_code == 0, clippy.err);
  auto fmt = home.run_tool({"cargo", "fmt", "--check"});
  CHECK_MESSAGE(fmt.exit_code == 0, fmt.out);
}

TEST_CASE("--model openai-responses/MODEL uses the OPENAI_* server over the Responses API") {
  AgentryHome home;
  auto server = start_fake(R"(
server: {thinking_rules: true}
turns:
  - thinking: "List first."
    tool_calls:
      - {id: call_ls, name: list_files, arguments: {}}
  - text: "The workspace is empty."
)");
  auto r = home.run({"run", "--model", "openai-responses/gpt-5-codex", "--output-format", "json",
                     "What is in the workspace?"},
                    server.get());
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  json result = json::parse(r.out);
  CHECK(result["result"] == "The workspace is empty.");
  auto requests = server->requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].path == "/v1/responses");
  CHECK(requests[0].json["model"] == "gpt-5-codex");
  CHECK_FALSE(requests[1].refused);
  CHECK(reasoning_items(requests[1].json) == 1);
  CHECK(requests[1].json["input"][1]["summary"][0]["text"] == "List first.");
}

}  // namespace
}  // namespace agentry::cli
