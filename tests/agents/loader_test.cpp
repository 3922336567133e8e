#include "agents/loader.hpp"

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"

namespace agentry::agents {

namespace fs = std::filesystem;

namespace {

const AgentDefinition* find(const LoadResult& result, std::string_view name) {
  for (const auto& def : result.agents) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

constexpr std::string_view kAgent = "---\ndescription: d\n---\nPrompt.\n";

}  // namespace

TEST_CASE("a name from the path is the path under the nearest agents folder, without .md") {
  CHECK(name_from_path("/r/agents/review.md", "/r/agents") == "review");
  CHECK(name_from_path("/r/agents/review/security.md", "/r/agents") == "review/security");
  CHECK(name_from_path("/r/collection/.opencode/agents/code-analyst.md", "/r") == "code-analyst");
  CHECK(name_from_path("/r/collection/.opencode/agent/a/b.md", "/r") == "a/b");
  CHECK(name_from_path("/r/cat/one/x.md", "/r") == "cat/one/x");
  CHECK(name_from_path("/elsewhere/x.md", "/r") == "x");
}

TEST_CASE("a folder is walked recursively, hidden folders included, only *.md files") {
  testing::TempDir dir;
  dir.write("agents/top.md", kAgent);
  dir.write("agents/nested/deeper/inner.md", kAgent);
  dir.write("agents/.hidden/secret.md", kAgent);
  dir.write("agents/notes.txt", "not an agent");
  dir.write("agents/draft.md.bak", kAgent);
  LoadResult result;
  load_agent_dir(dir.path() / "agents", "user", result);
  CHECK(result.diagnostics.empty());
  REQUIRE(result.agents.size() == 3);
  // Sorted by path, so "later wins" is deterministic.
  CHECK(result.agents[0].name == ".hidden/secret");
  CHECK(result.agents[1].name == "nested/deeper/inner");
  CHECK(result.agents[2].name == "top");
  CHECK(result.agents[2].scope == "user");
  CHECK(result.agents[2].source == dir.path() / "agents" / "top.md");
}

TEST_CASE("a trailing slash on the folder does not change derived names") {
  testing::TempDir dir;
  dir.write("mine/sub/x.md", kAgent);
  LoadResult result;
  load_agent_dir((dir.path() / "mine").string() + "/", "extra", result);
  REQUIRE(result.agents.size() == 1);
  CHECK(result.agents[0].name == "sub/x");
}

TEST_CASE("a README.md without front-matter is skipped, with front-matter it is an agent") {
  testing::TempDir dir;
  dir.write("agents/README.md", "# My agents\n\nDocumentation.\n");
  dir.write("agents/team/readme.md", "---\nname: readme-agent\ndescription: d\n---\nPrompt.\n");
  LoadResult result;
  load_agent_dir(dir.path() / "agents", "user", result);
  REQUIRE(result.agents.size() == 1);
  CHECK(result.agents[0].name == "readme-agent");
  REQUIRE(result.diagnostics.size() == 1);
  CHECK(result.diagnostics[0].severity == Severity::kInfo);
  CHECK(result.diagnostics[0].file == dir.path() / "agents" / "README.md");
}

TEST_CASE("one bad file never hides the others") {
  testing::TempDir dir;
  dir.write("a.md", kAgent);
  dir.write("b.md", "no front-matter\n");
  dir.write("c.md", "---\nmode: boss\n---\n");
  dir.write("d.md", kAgent);
  LoadResult result = load_paths({dir.path()}, "extra");
  REQUIRE(result.agents.size() == 2);
  CHECK(result.agents[0].name == "a");
  CHECK(result.agents[1].name == "d");
  CHECK(result.error_count() == 2);
}

TEST_CASE(
    "an agent file of 50 MB is refused at the size cap, naming the file, and the others load") {
  testing::TempDir dir;
  dir.write("agents/a.md", kAgent);
  fs::path huge = dir.write("agents/huge.md", std::string(kAgent) + std::string(50 << 20, 'x'));
  dir.write("agents/z.md", kAgent);
  LoadResult result = load_paths({dir.path() / "agents"}, "extra");
  REQUIRE(result.agents.size() == 2);
  CHECK(result.agents[0].name == "a");
  CHECK(result.agents[1].name == "z");
  REQUIRE(result.diagnostics.size() == 1);
  const Diagnostic& d = result.diagnostics[0];
  CHECK(d.severity == Severity::kError);
  CHECK(d.file == huge);
  CHECK(d.message.find(std::to_string(fs::file_size(huge)) + " bytes") != std::string::npos);
  CHECK(d.message.find("at most 1048576 bytes") != std::string::npos);
  CHECK(d.to_string().starts_with(huge.string() + ":1:1: error: the file is"));
}

TEST_CASE("a file of unknown size is cut at the cap while it is read") {
  // /dev/zero reports size 0 and never ends: only the read loop's check can stop it.
  LoadResult result = load_paths({"/dev/zero"}, "extra");
  CHECK(result.agents.empty());
  REQUIRE(result.diagnostics.size() == 1);
  CHECK(result.diagnostics[0].message.find("at most 1048576 bytes") != std::string::npos);
}

TEST_CASE("paths may be files or folders, a missing one is an error") {
  testing::TempDir dir;
  fs::path file = dir.write("agents/sub/one.md", kAgent);
  dir.write("other/two.md", kAgent);
  LoadResult result = load_paths({file, dir.path() / "other", dir.path() / "missing.md"}, "extra");
  REQUIRE(result.agents.size() == 2);
  CHECK(result.agents[0].name == "one");
  CHECK(result.agents[1].name == "two");
  REQUIRE(result.diagnostics.size() == 1);
  CHECK(result.diagnostics[0].severity == Severity::kError);
  CHECK(result.diagnostics[0].file == dir.path() / "missing.md");
}

TEST_CASE(
    "the built-in agents: rust-pro checks after edits and gets no bash, the others do not say") {
  LoadResult builtin =
      load_paths({testing::fixtures_dir().parent_path().parent_path() / "agents"}, "builtin");
  CHECK(builtin.error_count() == 0);
  const AgentDefinition* rust_pro = find(builtin, "rust-pro");
  REQUIRE(rust_pro != nullptr);
  CHECK(rust_pro->check_after_edit == true);
  REQUIRE(rust_pro->tools.has_value());
  CHECK(std::find(rust_pro->tools->begin(), rust_pro->tools->end(), "bash") ==
        rust_pro->tools->end());
  const AgentDefinition* orchestrator = find(builtin, "orchestrator");
  REQUIRE(orchestrator != nullptr);
  CHECK_FALSE(orchestrator->check_after_edit.has_value());
}

TEST_CASE("the fixtures: every tolerance loads, every error is reported") {
  LoadResult good = load_paths({testing::fixtures_dir() / "agents" / "good"}, "extra");
  CHECK(good.agents.size() == 17);
  CHECK(good.error_count() == 0);
  LoadResult bad = load_paths({testing::fixtures_dir() / "agents" / "bad"}, "extra");
  CHECK(bad.agents.empty());
  CHECK(bad.error_count() == 13);
  CHECK(find(bad, "unknown-mode") == nullptr);
}

}  // namespace agentry::agents
