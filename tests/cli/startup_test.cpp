// Start-up path: libcurl (with its ~30 dependencies) is loaded only by a command that makes an
// HTTP request. The dynamic loader itself reports what it loads (LD_DEBUG=libs, on stderr).
#include <string>

#include <doctest/doctest.h>

#include "cli/support/agentry_harness.hpp"

namespace agentry::cli {
namespace {

using e2e::AgentryHome;
using e2e::start_fake;

constexpr const char* kInitialize =
    R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
    R"("capabilities":{},"clientInfo":{"name":"test","version":"1"}}})"
    "\n";

TEST_CASE("agentry mcp answers initialize and tools/list without loading libcurl") {
  AgentryHome home;
  std::string input = std::string(kInitialize) + R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})"
                                                 "\n";
  auto options = home.spawn_options({"mcp"}, nullptr, input);
  options.env["LD_DEBUG"] = "libs";
  auto outcome = testing::run_process(options);
  CHECK(outcome.exit_code == 0);
  CHECK(outcome.out.find("\"protocolVersion\"") != std::string::npos);
  CHECK(outcome.out.find("rust-pro") != std::string::npos);
  // The loader did report (so the absence below means something) ...
  REQUIRE(outcome.err.find("find library=libstdc++.so.6") != std::string::npos);
  // ... and libcurl was not among what it loaded.
  CHECK(outcome.err.find("libcurl") == std::string::npos);
}

TEST_CASE("agentry run loads libcurl when it makes its request") {
  auto server = start_fake("- when: {contains: hi}\n  text: hello\n");
  AgentryHome home;
  auto options = home.spawn_options({"run", "hi"}, server.get());
  options.env["LD_DEBUG"] = "libs";
  auto outcome = testing::run_process(options);
  CHECK(outcome.exit_code == 0);
  CHECK(outcome.out.find("hello") != std::string::npos);
  CHECK(outcome.err.find("find library=libcurl.so.4") != std::string::npos);
}

}  // namespace
}  // namespace agentry::cli
