// The loader against the corpus: 372 agent files people really wrote (Claude Code subagents from
// two collections, opencode agents under a hidden .opencode/agents/).
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "agents/loader.hpp"
#include "support/temp_dir.hpp"

namespace agentry::agents {

namespace fs = std::filesystem;
using Names = std::vector<std::string>;

namespace {

struct Corpus {
  fs::path root = testing::shared_dir() / "corpus" / "agents";
  LoadResult result = load_paths({root}, "extra");
  std::map<fs::path, const AgentDefinition*> by_file;

  Corpus() {
    for (const auto& def : result.agents)
      by_file[def.source] = &def;
  }
  const AgentDefinition& at(const std::string& relative) const {
    auto it = by_file.find(root / relative);
    REQUIRE_MESSAGE(it != by_file.end(), relative);
    return *it->second;
  }
  std::vector<Diagnostic> diagnostics_for(const std::string& relative) const {
    std::vector<Diagnostic> out;
    for (const auto& d : result.diagnostics) {
      if (d.file == root / relative) out.push_back(d);
    }
    return out;
  }
};

const Corpus& corpus() {
  static const Corpus instance;
  return instance;
}

}  // namespace

TEST_CASE("the corpus loads: 372 agents, zero errors") {
  if (testing::skip_without_shared("corpus/agents")) return;
  const Corpus& c = corpus();
  CHECK(c.result.agents.size() == 372);
  CHECK(c.result.error_count() == 0);
  for (const auto& d : c.result.diagnostics) {
    CAPTURE(d.to_string());
    CHECK(d.severity != Severity::kError);
  }
}

TEST_CASE("corpus: a comma-separated tools string becomes a list") {
  if (testing::skip_without_shared("corpus/agents")) return;
  const AgentDefinition& def = corpus().at(
      "VoltAgent__awesome-claude-code-subagents/categories/02-language-specialists/"
      "rust-engineer.md");
  CHECK(def.name == "rust-engineer");
  CHECK(def.model == "sonnet");
  CHECK(def.mode == AgentMode::kAll);
  CHECK(def.tools == Names{"read_file", "write_file", "edit_file", "bash", "cargo_check",
                           "cargo_build", "cargo_test", "cargo_clippy", "clippy_fix", "rustfmt",
                           "glob", "grep"});
  CHECK(def.description.rfind("Use when building Rust systems where memory safety", 0) == 0);
}

TEST_CASE("corpus: a name taken from the path under a hidden .opencode/agents/") {
  if (testing::skip_without_shared("corpus/agents")) return;
  const AgentDefinition& def =
      corpus().at("the-perfect-developer__the-perfect-opencode/.opencode/agents/code-analyst.md");
  CHECK(def.name == "code-analyst");
  CHECK(def.mode == AgentMode::kSubagent);
  CHECK(def.model.empty());
  CHECK_FALSE(def.tools.has_value());
  CHECK(def.description ==
        "Analyzes complex code to explain architecture, logic, data flow, and design patterns. "
        "Use when you need to understand unfamiliar codebases, trace execution paths, or decode "
        "intricate algorithms.");
  CHECK(def.prompt.rfind("You are a Code Analyst", 0) == 0);
}

TEST_CASE("corpus: a description with an unquoted colon is recovered, with a warning") {
  if (testing::skip_without_shared("corpus/agents")) return;
  const std::string file =
      "VoltAgent__awesome-claude-code-subagents/categories/08-business-product/"
      "backlog-grooming.md";
  const AgentDefinition& def = corpus().at(file);
  CHECK(def.name == "backlog-grooming");
  CHECK(def.description ==
        "Use when the user needs to groom, refine, or clean up a product backlog. Triggers on: "
        "'groom backlog', 'backlog refinement', 'backlog grooming', 'clean up backlog', 'refine "
        "stories', 'sprint refinement', 'backlog management'.");
  CHECK(def.tools ==
        Names{"read_file", "write_file", "edit_file", "glob", "grep", "WebFetch", "WebSearch"});
  auto diagnostics = corpus().diagnostics_for(file);
  REQUIRE(diagnostics.size() == 2);
  CHECK(diagnostics[0].line == 3);
  CHECK(diagnostics[0].column == 98);
  CHECK(diagnostics[0].message.rfind("unquoted ': '", 0) == 0);
  CHECK(diagnostics[1].line == 4);
  CHECK(diagnostics[1].message ==
        "unknown tools 'WebFetch', 'WebSearch': agentry has no such tool (kept in the list)");
}

TEST_CASE("corpus: a block-scalar description and the empty tools: []") {
  if (testing::skip_without_shared("corpus/agents")) return;
  const AgentDefinition& def = corpus().at(
      "wshobson__agents/plugins/arm-cortex-microcontrollers/agents/"
      "arm-cortex-expert.md");
  CHECK(def.name == "arm-cortex-expert");
  CHECK(def.description ==
        "Senior embedded software engineer specializing in firmware and driver development for "
        "ARM Cortex-M microcontrollers (Teensy, STM32, nRF52, SAMD). Decades of experience "
        "writing reliable, optimized, and maintainable embedded code with deep expertise in "
        "memory barriers, DMA/cache coherency, interrupt-driven I/O, and peripheral drivers.");
  CHECK(def.model == "inherit");
  REQUIRE(def.tools.has_value());
  CHECK(def.tools->empty());
  CHECK(def.prompt.rfind("# @arm-cortex-expert", 0) == 0);
}

TEST_CASE("corpus: an opencode primary agent with a folded description and no name") {
  if (testing::skip_without_shared("corpus/agents")) return;
  const AgentDefinition& def =
      corpus().at("the-perfect-developer__the-perfect-opencode/.opencode/agents/orchestrix.md");
  CHECK(def.name == "orchestrix");
  CHECK(def.mode == AgentMode::kPrimary);
  CHECK(def.description.rfind("Orchestrix is the workflow governor", 0) == 0);
  CHECK(def.description.back() == '.');
}

TEST_CASE("corpus: an unknown model alias is a warning, the agent still loads") {
  if (testing::skip_without_shared("corpus/agents")) return;
  const std::string file = "wshobson__agents/plugins/agent-teams/agents/team-lead.md";
  const AgentDefinition& def = corpus().at(file);
  CHECK(def.model == "fable");
  bool warned = false;
  for (const auto& d : corpus().diagnostics_for(file)) {
    if (d.message.rfind("unknown model alias 'fable'", 0) == 0) warned = d.line == 5;
  }
  CHECK(warned);
}

TEST_CASE("corpus: none of Claude Code's or opencode's agent keys is reported unknown") {
  if (testing::skip_without_shared("corpus/agents")) return;
  for (const char* key :
       {"disallowedTools", "permissionMode", "maxTurns", "skills", "hooks", "mcpServers", "effort",
        "initialPrompt", "color", "steps", "top_p", "permission"}) {
    std::string unknown = std::string("unknown key '") + key + "'";
    for (const auto& d : corpus().result.diagnostics) {
      CAPTURE(d.to_string());
      CHECK(d.message.find(unknown) == std::string::npos);
    }
  }
}

}  // namespace agentry::agents
