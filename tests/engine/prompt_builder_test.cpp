// The system prompt is a session's cached prefix (issue 17): building it again for the same
// working directory — the next chat message, a resumed run in the same process — must give the
// same bytes, even when the git branch (or the date) changed in between.
#include "engine/prompt_builder.hpp"

#include <doctest/doctest.h>

#include "core/build_paths.hpp"
#include "support/temp_dir.hpp"

namespace agentry::engine {
namespace {

PromptBuilder stable_prompt_builder() {
  return PromptBuilder(std::filesystem::path(AGENTRY_SOURCE_DIR) / "prompts",
                       [](const std::vector<std::string>&, const std::filesystem::path&) {
                         return std::optional<std::string>();
                       });
}

agents::AgentDefinition rust_pro_agent() {
  agents::AgentDefinition d;
  d.name = "rust-pro";
  d.prompt = "You are rust-pro.";
  return d;
}

}  // namespace

TEST_CASE("prompt builder: the environment block is taken once per cwd, the prompt stays stable") {
  agentry::testing::TempDir ws("agentry-prompt");
  ws.write(".git/HEAD", "ref: refs/heads/main\n");
  auto prompts = stable_prompt_builder();
  auto first = prompts.system_prompt(rust_pro_agent(), ws.path());
  REQUIRE(first.has_value());
  CHECK(first->find("git branch: main") != std::string::npos);
  ws.write(".git/HEAD", "ref: refs/heads/feature\n");
  auto second = prompts.system_prompt(rust_pro_agent(), ws.path());
  REQUIRE(second.has_value());
  CHECK(*second == *first);
  // A new builder (a new process) reads the branch as it is now.
  auto fresh = stable_prompt_builder().system_prompt(rust_pro_agent(), ws.path());
  REQUIRE(fresh.has_value());
  CHECK(fresh->find("git branch: feature") != std::string::npos);
}

}  // namespace agentry::engine
