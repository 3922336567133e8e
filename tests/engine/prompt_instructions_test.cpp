// The project instructions in the system prompt (issue 21): a piece of their own after the
// agent's prompt, each file under a heading with its path; left out for an agent with
// `instructions: false`; extra sections (the skills listing) after them; read once per folder.
#include <doctest/doctest.h>

#include "core/build_paths.hpp"
#include "engine/prompt_builder.hpp"
#include "support/temp_dir.hpp"

namespace agentry::engine {
namespace {

namespace fs = std::filesystem;

PromptBuilder builder_without_user_files() {
  return PromptBuilder(fs::path(AGENTRY_SOURCE_DIR) / "prompts",
                       [](const std::vector<std::string>&, const fs::path&) {
                         return std::optional<std::string>();
                       });
}

agents::AgentDefinition agent_named(std::string name, bool instructions = true) {
  agents::AgentDefinition d;
  d.name = std::move(name);
  d.prompt = "AGENT PROMPT of " + d.name;
  d.instructions = instructions;
  return d;
}

std::vector<std::string> piece_names(const SystemPrompt& prompt) {
  std::vector<std::string> out;
  for (const auto& piece : prompt.pieces)
    out.push_back(piece.name);
  return out;
}

struct PromptWorkspace {
  agentry::testing::TempDir dir{"agentry-prompt-instructions"};
  PromptWorkspace() {
    dir.write(".git/HEAD", "ref: refs/heads/main\n");
    dir.write("AGENTS.md", "Run cargo test before you finish. See @docs/style.md.\n");
    dir.write("docs/style.md", "Use iterators, not index loops.\n");
    dir.write("crate/AGENTS.md", "Never edit generated.rs.\n");
  }
  fs::path crate() const { return dir.path() / "crate"; }
};

}  // namespace

TEST_CASE("prompt: the instructions follow the agent's prompt, each file under its path") {
  PromptWorkspace ws;
  auto prompts = builder_without_user_files();
  auto pieces = prompts.system_prompt_pieces(agent_named("rust-pro"), ws.crate());
  REQUIRE(pieces.has_value());
  CHECK(piece_names(*pieces) ==
        std::vector<std::string>{"base", "environment", "agent", "instructions"});
  const PromptPiece& instructions = pieces->pieces[3];
  CHECK(instructions.text.starts_with("<instructions>\n"));
  std::string root = "## AGENTS.md\n\nRun cargo test before you finish. See @docs/style.md.\n\n";
  std::string style =
      "## docs/style.md (imported by AGENTS.md)\n\nUse iterators, not index loops.\n\n";
  std::string crate = "## crate/AGENTS.md\n\nNever edit generated.rs.\n</instructions>";
  CHECK(instructions.text.find(root + style + crate) != std::string::npos);
  REQUIRE(instructions.parts.size() == 3);
  CHECK(instructions.parts[1].name == "docs/style.md");
  CHECK(instructions.parts[1].detail == "imported by AGENTS.md");
  CHECK(instructions.parts[1].chars == style.size());
  CHECK(instructions.parts[2].path == fs::canonical(ws.crate() / "AGENTS.md"));

  auto text = prompts.system_prompt(agent_named("rust-pro"), ws.crate());
  REQUIRE(text.has_value());
  CHECK(*text == pieces->text());
  CHECK(text->find("AGENT PROMPT of rust-pro\n\n<instructions>") != std::string::npos);
}

TEST_CASE("prompt: an agent with instructions: false gets none of them") {
  PromptWorkspace ws;
  auto prompts = builder_without_user_files();
  auto pieces = prompts.system_prompt_pieces(agent_named("quiet", false), ws.crate());
  REQUIRE(pieces.has_value());
  CHECK(piece_names(*pieces) == std::vector<std::string>{"base", "environment", "agent"});
  CHECK(pieces->text().find("Never edit generated.rs") == std::string::npos);
}

TEST_CASE("prompt: extra sections come after the instructions, in the order added") {
  PromptWorkspace ws;
  auto prompts = builder_without_user_files();
  prompts.add_section([](const agents::AgentDefinition& agent, const fs::path&) {
    return std::optional<PromptPiece>(
        PromptPiece{"skills", "test", "SKILLS for " + agent.name, {}});
  });
  prompts.add_section([](const agents::AgentDefinition&, const fs::path&) {
    return std::optional<PromptPiece>();  // nothing to add
  });
  auto pieces = prompts.system_prompt_pieces(agent_named("rust-pro", false), ws.crate());
  REQUIRE(pieces.has_value());
  CHECK(piece_names(*pieces) == std::vector<std::string>{"base", "environment", "agent", "skills"});
  CHECK(pieces->text().ends_with("AGENT PROMPT of rust-pro\n\nSKILLS for rust-pro"));
}

TEST_CASE("prompt: the instructions are read once per folder, so the prompt stays the same") {
  PromptWorkspace ws;
  auto prompts = builder_without_user_files();
  auto first = prompts.system_prompt(agent_named("rust-pro"), ws.crate());
  ws.dir.write("crate/AGENTS.md", "Changed mid-session.\n");
  auto second = prompts.system_prompt(agent_named("rust-pro"), ws.crate());
  REQUIRE(first.has_value());
  REQUIRE(second.has_value());
  CHECK(*first == *second);
  auto fresh = builder_without_user_files().system_prompt(agent_named("rust-pro"), ws.crate());
  REQUIRE(fresh.has_value());
  CHECK(fresh->find("Changed mid-session.") != std::string::npos);
}

TEST_CASE("prompt: a folder without instructions adds no piece") {
  agentry::testing::TempDir dir("agentry-prompt-instructions");
  auto pieces = builder_without_user_files().system_prompt_pieces(agent_named("a"), dir.path());
  REQUIRE(pieces.has_value());
  CHECK(piece_names(*pieces) == std::vector<std::string>{"base", "environment", "agent"});
  CHECK(pieces->warnings.empty());
}

}  // namespace agentry::engine
