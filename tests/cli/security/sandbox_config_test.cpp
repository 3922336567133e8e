// Issue 16, must show: `sandbox: true` in the user's config (the spelling runtime.cpp once read as
// off) makes every tool run under bubblewrap in every front-end — run, chat, batch, mcp and
// tools run. The real `agentry`, a scripted model that calls cargo_check, and a crate whose build
// script writes a file outside the workspace: in each front-end the file must not appear and
// the tool result must say the build script failed.
#include <chrono>
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "cli/support/agentry_harness.hpp"
#include "cli/support/mcp_process.hpp"
#include "cli/support/tool_script.hpp"
#include "support/unix_listener.hpp"

namespace agentry::cli::sandbox_config {
namespace {

namespace fs = std::filesystem;
using e2e::AgentryHome;
using nlohmann::json;

constexpr const char* kFailure = "agentry-test: the write outside the workspace failed";

/// A build script that writes `target` (outside the workspace) and fails the build if it cannot.
std::string escaping_build_script(const fs::path& target) {
  return fmt::format("fn main() {{\n    std::fs::write({:?}, \"escaped\").expect({:?});\n}}\n",
                     target.string(), kFailure);
}

/// What the cargo_check call handed back, as the front-end `front_end` ran it in `home`.
std::string run_front_end(const std::string& front_end, const AgentryHome& home) {
  INFO("front-end: " << front_end);
  if (front_end == "tools run") {
    auto r = home.run({"tools", "run", "cargo_check", "{}"}, nullptr);
    INFO("stderr: " << r.err.substr(0, 3000));
    CHECK_FALSE(r.timed_out);
    CHECK(r.exit_code == 0);
    return r.out;
  }
  auto server = e2e::start_fake(e2e::script_of({{"cargo_check", json::object()}}));
  if (front_end == "mcp") {
    e2e::McpProcess mcp(home, {"mcp"}, *server);
    mcp.send(e2e::mcp_initialize());
    REQUIRE(mcp.wait_for(R"("id":0)", std::chrono::seconds(60)));
    mcp.send(e2e::mcp_call(1, "Check the crate."));
    CHECK(mcp.wait_for(R"("id":1)", std::chrono::seconds(300)));
    mcp.close_input();
    CHECK(mcp.wait_exit(std::chrono::seconds(60)) == 0);
  } else {
    testing::ProcessOutcome r;
    if (front_end == "run") {
      r = home.run({"run", "--agent", "rust-pro", "Check the crate."}, server.get());
    } else if (front_end == "chat") {
      // Not a terminal: chat reads plain lines from stdin and ends at end of input.
      r = home.run({"chat", "--agent", "rust-pro"}, server.get(), "Check the crate.\n");
    } else {
      std::ofstream(home.ws() / "tasks.jsonl")
          << R"({"id": "check", "agent": "rust-pro", "prompt": "Check the crate."})"
          << "\n";
      r = home.run({"batch", "tasks.jsonl"}, server.get());
    }
    INFO("stdout: " << r.out.substr(0, 2000) << "\nstderr: " << r.err.substr(0, 3000));
    CHECK_FALSE(r.timed_out);
    CHECK(r.exit_code == 0);
  }
  auto results = e2e::tool_results(*server);
  REQUIRE(results.size() == 1);
  return results[0];
}

}  // namespace

TEST_CASE("must show: the user's `sandbox: true` holds a build script in every front-end") {
  {
    AgentryHome probe;
    if (!e2e::sandbox_available(probe)) return;
  }
  // Outside /tmp (which the sandbox replaces with its own): visible, read-only, inside it.
  testing::VarTempDir outside("agentry-outside");
  for (std::string front_end : {"run", "chat", "batch", "mcp", "tools run"}) {
    CAPTURE(front_end);
    AgentryHome home;
    home.write_config("sandbox: true\n");
    const fs::path escaped = outside.path() / fmt::format("escaped-{}", front_end);
    e2e::write_crate(home.ws(), "victim", escaping_build_script(escaped));
    auto result = run_front_end(front_end, home);
    CAPTURE(result);
    CHECK_FALSE(fs::exists(escaped));
    CHECK(result.find("cargo check: failed") != std::string::npos);
    CHECK(result.find(kFailure) != std::string::npos);
    CHECK(result.find("Read-only file system") != std::string::npos);
  }
}

TEST_CASE("must show, the control: without the sandbox the same build script gets out") {
  testing::VarTempDir outside("agentry-outside");
  AgentryHome home;
  home.write_config("sandbox: false\n");
  const fs::path escaped = outside.path() / "escaped";
  e2e::write_crate(home.ws(), "victim", escaping_build_script(escaped));
  auto result = run_front_end("tools run", home);
  CAPTURE(result);
  CHECK(fs::exists(escaped));
  CHECK(result.find("cargo check: ok") != std::string::npos);
}

}  // namespace agentry::cli::sandbox_config
