#pragma once
// A workspace with a few files and the file tools bound to it, for the file-tool tests.
#include "support/temp_dir.hpp"
#include "tool_test_support.hpp"
#include "tools/tool_registry.hpp"

namespace agentry::tools::testing_support {

struct FileToolsFixture {
  testing::TempDir dir{"agentry-ws"};
  FakeProcessRunner runner;
  ToolRegistry registry = registry_with(runner, services_with(runner, Environment{}));
  ToolContext context{dir.path(), {}};

  ToolOutput call(const std::string& tool, const nlohmann::json& args) {
    Tool* t = registry.find(tool);
    REQUIRE(t != nullptr);
    auto out = t->run(args, context);
    REQUIRE_MESSAGE(out, (out ? "" : out.error().to_string()));
    return *out;
  }
};

}  // namespace agentry::tools::testing_support
