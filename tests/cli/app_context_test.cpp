#include "cli/app_context.hpp"

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"
#include "tools/process_runner.hpp"

namespace agentry::cli {
namespace {

TEST_CASE("every provider's api_key_env is kept from child processes, whatever its name") {
  testing::TempDir dir;
  dir.write("config/agentry/config.yaml",
            "providers:\n"
            "  gateway: {kind: openai, base_url: 'http://127.0.0.1:1/v1', api_key_env: LLM_GATE}\n"
            "  local: {kind: openai, base_url: 'http://127.0.0.1:2/v1'}\n");
  dir.write("project/.agentry/config.yaml",
            "providers:\n"
            "  other: {kind: anthropic, api_key_env: TEAM_LLM_PASS}\n");
  AppContext ctx;
  ctx.env.set("XDG_CONFIG_HOME", (dir.path() / "config").string());
  ctx.env.set("LLM_GATE", "secret-1");
  ctx.env.set("TEAM_LLM_PASS", "secret-2");
  ctx.env.set("PLAIN", "visible");
  ctx.cwd = dir.path() / "project";
  CHECK_FALSE(ctx.env.is_secret("LLM_GATE"));

  load_app_config(ctx);
  CHECK(ctx.env.is_secret("LLM_GATE"));
  CHECK(ctx.env.is_secret("TEAM_LLM_PASS"));
  CHECK_FALSE(ctx.env.is_secret("PLAIN"));
  auto child = tools::child_environment(ctx.env);
  CHECK_FALSE(child.get("LLM_GATE"));
  CHECK_FALSE(child.get("TEAM_LLM_PASS"));
  CHECK(child.get_or("PLAIN", "") == "visible");
}

TEST_CASE("a config that does not load marks nothing and is left for the command to report") {
  testing::TempDir dir;
  dir.write("config/agentry/config.yaml", "providers: [not, a, mapping\n");
  AppContext ctx;
  ctx.env.set("XDG_CONFIG_HOME", (dir.path() / "config").string());
  ctx.cwd = dir.path();
  load_app_config(ctx);
  CHECK_FALSE(ctx.env.is_secret("ANYTHING"));
  CHECK_FALSE(ctx.config);
}

}  // namespace
}  // namespace agentry::cli
