// `agentry route`: a clear route is decided without the model; an ambiguous one asks the model
// once, without tools, and checks its answer against the agents' names.
#include <fstream>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "cli/support/agentry_harness.hpp"

namespace agentry::cli {
namespace {

using e2e::AgentryHome;
using nlohmann::json;

TEST_CASE("route: a clear task is routed without calling the model") {
  AgentryHome home;
  std::ofstream(home.ws() / "Cargo.toml") << "[package]\nname = \"x\"\nversion = \"0.1.0\"\n";
  auto server = e2e::start_fake("- text: orchestrator\n");

  auto text = home.run({"route", "fix the clippy lints in this crate"}, server.get());
  REQUIRE_MESSAGE(text.exit_code == 0, text.err);
  CHECK(text.out.starts_with("agent:  rust-pro\nreason: its description matches the task best ("));
  CHECK(text.out.find("Cargo.toml in the workspace") != std::string::npos);

  auto j = home.run({"route", "--json", "ask rust-pro to look at this"}, server.get());
  REQUIRE(j.exit_code == 0);
  auto route = json::parse(j.out);
  CHECK(route["agent"] == "rust-pro");
  CHECK(route["clear"] == true);
  CHECK(route["reason"] == "the task names the agent 'rust-pro'");
  CHECK(route["model"].is_null());
  CHECK(server->request_count() == 0);
}

TEST_CASE("route: an ambiguous task asks the model once, with the agents and no tools") {
  AgentryHome home;  // no Cargo.toml: nothing points at rust-pro
  auto server = e2e::start_fake(R"(
- text: "`orchestrator`."
- text: "I would pick gandalf."
)");
  auto r = home.run({"route", "--json", "hello there"}, server.get());
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto route = json::parse(r.out);
  CHECK(route["agent"] == "orchestrator");
  CHECK(route["reason"] == "chosen by the model");
  CHECK(route["clear"] == false);
  CHECK(route["model"] == "openai/gpt-5-mini");
  CHECK(route["router_reason"].get<std::string>().find("the model decides") != std::string::npos);

  REQUIRE(server->request_count() == 1);
  auto requests = server->requests();
  const json& request = requests[0].json;
  CHECK_FALSE(request.contains("tools"));
  std::string prompt = request["messages"].back()["content"];
  CHECK(prompt.find("- orchestrator: The default agent.") != std::string::npos);
  CHECK(prompt.find("- rust-pro: ") != std::string::npos);
  CHECK(prompt.find("hello there") != std::string::npos);

  // An answer that names no agent is an error (exit 1), quoting it.
  auto bad = home.run({"route", "hello again"}, server.get());
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("\"I would pick gandalf.\", which names no agent") != std::string::npos);
}

TEST_CASE("route: without a task it is a usage error") {
  AgentryHome home;
  auto r = home.run({"route"}, nullptr);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("task is required") != std::string::npos);
}

}  // namespace
}  // namespace agentry::cli
