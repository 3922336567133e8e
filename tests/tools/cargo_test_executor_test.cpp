// cargo_test against real cargo on the failing_test fixture.
#include <doctest/doctest.h>

#include "support/temp_dir.hpp"
#include "tool_test_support.hpp"

namespace agentry::tools {

TEST_CASE(
    "cargo_test reports passed, failed, ignored and the failure's output, and test_name filters") {
  testing::TempDir dir("agentry-cargo");
  PosixProcessRunner runner;
  auto services = testing_support::services_with(runner);
  services.cargo_target_dir = dir.path() / "target";
  auto registry = testing_support::registry_with(runner, services);
  auto crate = testing_support::copy_crate("failing_test", dir.path());
  Tool* tool = registry.find("cargo_test");

  auto all = tool->run(nlohmann::json::object(), ToolContext{crate, {}});
  REQUIRE(all);
  CHECK(all->is_error);
  CHECK(all->details["passed"] == 1);
  CHECK(all->details["failed"] == 1);
  CHECK(all->details["ignored"] == 1);
  CHECK(all->content ==
        "cargo test: FAILED, 1 passed, 1 failed, 1 ignored (2 test binaries)\n"
        "failed: tests::halves\n"
        "---- tests::halves ----\n"
        "thread 'tests::halves' panicked at src/lib.rs:20:9:\n"
        "assertion `left == right` failed: halve(10) should be 5\n"
        "  left: 3\n"
        " right: 5\n");

  auto one = tool->run({{"test_name", "adds"}}, ToolContext{crate, {}});
  REQUIRE(one);
  CHECK_FALSE(one->is_error);
  CHECK(one->details["passed"] == 1);
  CHECK(one->details["failed"] == 0);
  CHECK(one->content.starts_with("cargo test: ok, 1 passed, 0 failed, 0 ignored, "));
}

}  // namespace agentry::tools
