// Skills in the loop: the prompt lists names and descriptions only, the `skill` tool returns the
// body and makes the skill's folder readable (ToolContext::read_roots), `skills:` preloads.
#include "engine/skill_tool.hpp"

#include <algorithm>
#include <filesystem>
#include <string>

#include <doctest/doctest.h>

#include "engine/rig.hpp"
#include "support/temp_dir.hpp"

namespace agentry::engine {

namespace fs = std::filesystem;
using testing::Rig;

namespace {

constexpr std::string_view kBody = "SECRET-BODY: run scripts/fill.py on the form";

struct Skills {
  agentry::testing::TempDir dir{"agentry-skills"};
  agents::SkillRegistry registry;

  Skills() {
    dir.write(
        "skills/pdf-forms/SKILL.md",
        fmt::format("---\nname: pdf-forms\ndescription: Fill in PDF forms.\n---\n{}\n", kBody));
    dir.write("skills/pdf-forms/scripts/fill.py", "print('fill')\n");
    dir.write("skills/quiet/SKILL.md",
              "---\nname: quiet\ndescription: Hidden from the model.\n"
              "disable-model-invocation: true\n---\nQUIET-BODY\n");
    registry = agents::SkillRegistry::load({{dir.path() / "skills", "user"}});
    REQUIRE(registry.skills().size() == 2);
  }
  fs::path folder() const { return fs::canonical(dir.path() / "skills" / "pdf-forms"); }
};

/// A run of `task` by `agent` (empty: the default one) with `skills`, on a fresh engine.
Result<RunResult> run_with(Rig& rig, const agents::SkillRegistry& skills, std::string task,
                           std::string agent = "") {
  rig.make().set_skills(&skills);
  RunRequest request;
  request.agent = std::move(agent);
  request.task = std::move(task);
  request.cwd = fs::temp_directory_path();
  return rig.engine->run(request, {});
}

bool offers(const llm::CompletionRequest& request, std::string_view tool) {
  return std::any_of(request.tools.begin(), request.tools.end(),
                     [&](const ToolSchema& s) { return s.name == tool; });
}

}  // namespace

TEST_CASE(
    "the body of a skill reaches the model only after the skill call, and its folder is "
    "readable from then on") {
  Skills skills;
  Rig rig;
  std::vector<std::vector<fs::path>> roots_seen;
  rig.tools.handler = [&](const ToolCall& call, const tools::ToolContext& context) {
    roots_seen.push_back(context.read_roots);
    return Result<ToolResult>(ToolResult{call.id, call.name, "ok", false});
  };
  rig.provider->push_calls({{"r1", "read_file", {{"path", "x"}}, ""}});
  rig.provider->push_calls({{"s1", "skill", {{"name", "pdf-forms"}}, ""}});
  rig.provider->push_calls({{"r2", "read_file", {{"path", "y"}}, ""}});
  rig.provider->push_text("done");
  REQUIRE(run_with(rig, skills.registry, "fill the form"));
  auto requests = rig.provider->requests();
  REQUIRE(requests.size() == 4);
  const std::string& system = requests[0].system;
  CHECK(system.find("# Skills") != std::string::npos);
  CHECK(system.find("- pdf-forms: Fill in PDF forms.") != std::string::npos);
  CHECK(system.find(kBody) == std::string::npos);
  CHECK(system.find("quiet") == std::string::npos);
  CHECK(offers(requests[0], "skill"));
  for (const auto& request : requests)
    CHECK(request.system == system);  // byte-identical turn to turn (prompt caching)

  auto body_in = [&](const llm::CompletionRequest& request) {
    return std::any_of(request.messages.begin(), request.messages.end(), [](const Message& m) {
      return std::any_of(m.tool_results.begin(), m.tool_results.end(), [](const ToolResult& r) {
        return r.content.find(kBody) != std::string::npos;
      });
    });
  };
  CHECK_FALSE(body_in(requests[1]));
  CHECK(body_in(requests[2]));
  const ToolResult& loaded = requests[2].messages.back().tool_results.at(0);
  CHECK_FALSE(loaded.is_error);
  CHECK(loaded.content.find("folder " + skills.folder().string()) != std::string::npos);
  CHECK(loaded.content.find((skills.folder() / "scripts/fill.py").string()) != std::string::npos);

  REQUIRE(roots_seen.size() == 2);
  CHECK(roots_seen[0].empty());
  CHECK(roots_seen[1] == std::vector<fs::path>{skills.folder()});
}

TEST_CASE("a resumed session may still read the folders of the skills it loaded") {
  Skills skills;
  Rig rig;
  std::vector<fs::path> roots;
  rig.tools.handler = [&](const ToolCall& call, const tools::ToolContext& context) {
    roots = context.read_roots;
    return Result<ToolResult>(ToolResult{call.id, call.name, "ok", false});
  };
  rig.provider->push_calls({{"s1", "skill", {{"name", "pdf-forms"}}, ""}});
  rig.provider->push_text("loaded");
  auto done = run_with(rig, skills.registry, "load it");
  REQUIRE(done);

  rig.provider->push_calls({{"r1", "read_file", {{"path", "x"}}, ""}});
  rig.provider->push_text("read");
  RunRequest again;
  again.task = "go on";
  again.cwd = fs::temp_directory_path();
  again.resume_session = done->session_id;
  REQUIRE(rig.engine->run(again, {}));
  CHECK(roots == std::vector<fs::path>{skills.folder()});
}

TEST_CASE("the skill tool refuses names it does not offer and tells the model the real ones") {
  Skills skills;
  Rig rig;
  rig.provider->push_calls({{"s1", "skill", {{"name", "quiet"}}, ""}});
  rig.provider->push_calls({{"s2", "skill", {{"nom", "pdf-forms"}}, ""}});
  rig.provider->push_text("done");
  REQUIRE(run_with(rig, skills.registry, "try"));
  auto requests = rig.provider->requests();
  REQUIRE(requests.size() == 3);
  const ToolResult& unknown = requests[1].messages.back().tool_results.at(0);
  CHECK(unknown.is_error);
  CHECK(unknown.content == "unknown skill 'quiet'; the skills you can load are: pdf-forms");
  const ToolResult& malformed = requests[2].messages.back().tool_results.at(0);
  CHECK(malformed.is_error);
  CHECK(malformed.content.find("rewrite your input") == 0);
}

TEST_CASE("an agent's skills: preloads bodies, and an agent without the skill tool sees no list") {
  Skills skills;
  Rig rig;
  auto preloading = testing::agent("form-filler", agents::AgentMode::kPrimary,
                                   std::vector<std::string>{"read_file"});
  preloading.skills = {"quiet", "missing-one"};
  rig.catalog.add(preloading);
  rig.tools.handler = [&](const ToolCall& call, const tools::ToolContext& context) {
    CHECK(context.read_roots ==
          std::vector<fs::path>{fs::canonical(skills.dir.path() / "skills" / "quiet")});
    return Result<ToolResult>(ToolResult{call.id, call.name, "ok", false});
  };
  rig.provider->push_calls({{"r1", "read_file", {{"path", "x"}}, ""}});
  rig.provider->push_text("done");
  REQUIRE(run_with(rig, skills.registry, "fill", "form-filler"));
  auto requests = rig.provider->requests();
  REQUIRE(!requests.empty());
  CHECK(requests[0].system.find("# Skill: quiet") != std::string::npos);
  CHECK(requests[0].system.find("QUIET-BODY") != std::string::npos);
  CHECK(requests[0].system.find("# Skills") == std::string::npos);
  CHECK_FALSE(offers(requests[0], "skill"));
  REQUIRE(rig.tools.calls.size() == 1);
}

TEST_CASE("without skills the prompt and the tools are as before") {
  Rig rig;
  rig.provider->push_text("done");
  agents::SkillRegistry none;
  REQUIRE(run_with(rig, none, "hi"));
  auto requests = rig.provider->requests();
  CHECK(requests[0].system.find("Skills") == std::string::npos);
  CHECK_FALSE(offers(requests[0], "skill"));
}

}  // namespace agentry::engine
