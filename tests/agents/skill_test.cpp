#include "agents/skill.hpp"

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "support/temp_dir.hpp"

namespace agentry::agents {

namespace fs = std::filesystem;

namespace {

/// The diagnostics whose message holds `text`.
std::vector<Diagnostic> with(const Diagnostics& diagnostics, std::string_view text) {
  std::vector<Diagnostic> out;
  for (const auto& d : diagnostics)
    if (d.message.find(text) != std::string::npos) out.push_back(d);
  return out;
}

std::string skill_md(std::string_view name, std::string_view description,
                     std::string_view body = "Do the thing.") {
  return fmt::format("---\nname: {}\ndescription: {}\n---\n{}\n", name, description, body);
}

}  // namespace

TEST_CASE("a skill folder is read: name, description, allowed-tools, other keys, body, folder") {
  testing::TempDir dir;
  dir.write("skills/pdf-tools/SKILL.md",
            "---\nname: pdf-tools\ndescription: >\n  Extract text from PDF files.\n  Use for "
            "PDFs.\nallowed-tools: Read, Grep Bash(pdftotext:*)\nlicense: MIT\nmetadata:\n  "
            "author: me\n---\n# PDF\n\nRun `scripts/extract.sh`.\n");
  dir.write("skills/pdf-tools/scripts/extract.sh", "#!/bin/sh\n");
  SkillLoadResult result;
  load_skills_dir(dir.path() / "skills", "user", result);
  CHECK(result.diagnostics.empty());
  REQUIRE(result.skills.size() == 1);
  const SkillDefinition& skill = result.skills[0];
  CHECK(skill.name == "pdf-tools");
  CHECK(skill.description == "Extract text from PDF files. Use for PDFs.");
  CHECK(skill.allowed_tools == std::vector<std::string>{"Read", "Grep", "Bash(pdftotext:*)"});
  CHECK(skill.extra["license"] == "MIT");
  CHECK(skill.extra["metadata"]["author"] == "me");
  CHECK(skill.body == "# PDF\n\nRun `scripts/extract.sh`.");
  CHECK(skill.folder == fs::canonical(dir.path() / "skills" / "pdf-tools"));
  CHECK(skill.scope == "user");
  std::size_t more = 0;
  CHECK(skill_files(skill, 10, more) == std::vector<std::string>{"scripts/extract.sh"});
  CHECK(more == 0);
}

TEST_CASE("skill loading is tolerant: what the format only asks of authors is a warning") {
  testing::TempDir dir;
  // No name: the folder's. No description: the first paragraph. Upper case and a name that
  // differs from the folder: warnings. An unknown key: kept, with a warning.
  dir.write("skills/no-name/SKILL.md", "---\ndescription: d\n---\nBody.\n");
  dir.write("skills/no-description/SKILL.md",
            "---\nname: no-description\n---\n# Title\n\nFirst paragraph\nof two lines.\n\nMore.\n");
  dir.write("skills/Shouty/SKILL.md", skill_md("Shouty_Name", "d"));
  dir.write("skills/odd-key/SKILL.md", "---\nname: odd-key\ndescription: d\nflavour: x\n---\nB\n");
  dir.write("skills/crlf/SKILL.md",
            "\xEF\xBB\xBF---\r\nname: crlf\r\ndescription: d\r\n---\r\nB\r\n");
  SkillLoadResult result;
  load_skills_dir(dir.path() / "skills", "project", result);
  CHECK(std::none_of(result.diagnostics.begin(), result.diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::kError; }));
  REQUIRE(result.skills.size() == 5);
  auto find = [&](std::string_view name) -> const SkillDefinition* {
    for (const auto& s : result.skills)
      if (s.name == name) return &s;
    return nullptr;
  };
  REQUIRE(find("no-name") != nullptr);
  REQUIRE(find("no-description") != nullptr);
  CHECK(find("no-description")->description == "First paragraph of two lines.");
  REQUIRE(find("Shouty_Name") != nullptr);
  REQUIRE(find("crlf") != nullptr);
  CHECK(find("crlf")->body == "B");
  CHECK(find("odd-key")->extra["flavour"] == "x");

  auto named = with(result.diagnostics, "does not follow the Agent Skills format");
  REQUIRE(named.size() == 1);
  CHECK(named[0].severity == Severity::kWarning);
  CHECK(named[0].file == dir.path() / "skills/Shouty/SKILL.md");
  CHECK(named[0].line == 2);
  CHECK(named[0].column == 7);
  CHECK(with(result.diagnostics, "differs from its folder 'Shouty'").size() == 1);
  auto unknown = with(result.diagnostics, "unknown key 'flavour'");
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].line == 4);
  CHECK(unknown[0].column == 1);
  CHECK(with(result.diagnostics, "no name: the skill is called 'no-name'").size() == 1);
  CHECK(with(result.diagnostics, "first paragraph stands in").size() == 1);
}

TEST_CASE("skill loading is precise: errors point at file:line:column and skip only that skill") {
  testing::TempDir dir;
  dir.write("skills/bad-yaml/SKILL.md", "---\nname: bad-yaml\ndescription: [unclosed\n---\nB\n");
  dir.write("skills/no-fence/SKILL.md", "name: no-fence\n");
  dir.write("skills/bad-name/SKILL.md", skill_md("two words", "d"));
  dir.write("skills/list-name/SKILL.md", "---\nname: [a, b]\ndescription: d\n---\nB\n");
  dir.write("skills/fine/SKILL.md", skill_md("fine", "d"));
  dir.write("skills/not-a-skill/README.md", "notes");
  SkillLoadResult result;
  load_skills_dir(dir.path() / "skills", "user", result);
  REQUIRE(result.skills.size() == 1);
  CHECK(result.skills[0].name == "fine");
  std::size_t errors = count(result.diagnostics, Severity::kError);
  CHECK(errors == 4);
  auto at = [&](std::string_view folder) -> Diagnostic {
    for (const auto& d : result.diagnostics)
      if (d.severity == Severity::kError && d.file.parent_path().filename() == folder) return d;
    return {};
  };
  CHECK(at("bad-yaml").line == 4);  // where yaml-cpp finds the flow list unclosed
  CHECK(at("no-fence").line == 1);
  CHECK(at("bad-name").line == 2);
  CHECK(at("bad-name").column == 7);
  CHECK(at("bad-name").message.find("cannot be used") != std::string::npos);
  CHECK(at("list-name").message.find("'name' must be a string, not a list") != std::string::npos);
  auto skipped = with(result.diagnostics, "no SKILL.md");
  REQUIRE(skipped.size() == 1);
  CHECK(skipped[0].severity == Severity::kInfo);
  CHECK(skipped[0].to_string().find("not-a-skill:1:1: info:") != std::string::npos);
}

TEST_CASE("skill names follow the format's rule") {
  CHECK(is_conforming_skill_name("pdf"));
  CHECK(is_conforming_skill_name("a-1-b"));
  CHECK_FALSE(is_conforming_skill_name(""));
  CHECK_FALSE(is_conforming_skill_name("-a"));
  CHECK_FALSE(is_conforming_skill_name("a-"));
  CHECK_FALSE(is_conforming_skill_name("a--b"));
  CHECK_FALSE(is_conforming_skill_name("Abc"));
  CHECK_FALSE(is_conforming_skill_name("a_b"));
  CHECK(is_conforming_skill_name(std::string(64, 'a')));
  CHECK_FALSE(is_conforming_skill_name(std::string(65, 'a')));
}

TEST_CASE("skills come from three locations of the project and the user's, project winning") {
  testing::TempDir dir;
  fs::path home = dir.path() / "home";
  fs::path repo = dir.path() / "repo";
  fs::create_directories(repo / ".git");
  fs::create_directories(repo / "sub");
  dir.write("home/.claude/skills/shared/SKILL.md", skill_md("shared", "the user's"));
  dir.write("home/.claude/skills/user-only/SKILL.md", skill_md("user-only", "u"));
  dir.write("home/.agents/skills/agents-user/SKILL.md", skill_md("agents-user", "u"));
  dir.write("home/.config/agentry/skills/own/SKILL.md", skill_md("own", "u"));
  dir.write("repo/.claude/skills/from-claude/SKILL.md", skill_md("from-claude", "p"));
  dir.write("repo/.agents/skills/from-agents/SKILL.md", skill_md("from-agents", "p"));
  dir.write("repo/sub/.agentry/skills/shared/SKILL.md", skill_md("shared", "the project's"));
  Environment env({{"HOME", home.string()}});

  auto path = skill_search_path(env, repo / "sub");
  std::vector<SkillDir> expected = {
      {home / ".claude/skills", "user"},         {home / ".agents/skills", "user"},
      {home / ".config/agentry/skills", "user"}, {repo / ".claude/skills", "project"},
      {repo / ".agents/skills", "project"},      {repo / "sub/.agentry/skills", "project"}};
  CHECK(path == expected);

  SkillRegistry registry = SkillRegistry::load(path);
  std::vector<std::string> names;
  for (const auto& s : registry.skills())
    names.push_back(s.name);
  CHECK(names == std::vector<std::string>{"agents-user", "from-agents", "from-claude", "own",
                                          "shared", "user-only"});
  REQUIRE(registry.find("shared") != nullptr);
  CHECK(registry.find("shared")->description == "the project's");
  CHECK(registry.find("shared")->scope == "project");
  auto shadow = with(registry.diagnostics(), "skill 'shared' is defined again here");
  REQUIRE(shadow.size() == 1);
  CHECK(shadow[0].severity == Severity::kInfo);
  CHECK(shadow[0].file == repo / "sub/.agentry/skills/shared/SKILL.md");
  CHECK(shadow[0].message.find("user scope") != std::string::npos);
  CHECK(registry.similar_names("shard") == std::vector<std::string>{"shared"});
}

TEST_CASE("disable-model-invocation keeps a skill for preloading only") {
  testing::TempDir dir;
  dir.write("s/quiet/SKILL.md",
            "---\nname: quiet\ndescription: d\ndisable-model-invocation: true\n---\nB\n");
  SkillLoadResult result;
  load_skill_folder(dir.path() / "s" / "quiet", "user", result);
  REQUIRE(result.skills.size() == 1);
  CHECK_FALSE(result.skills[0].model_invocable);
  CHECK(result.diagnostics.empty());
}

}  // namespace agentry::agents
