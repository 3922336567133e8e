// Agent Skills end to end: `agentry skills list|show|validate`, and a run against the scripted
// fake model where the first request lists skills without their bodies, the model loads one
// with `skill`, reads a file of its folder (outside the workspace), and the next request
// carries the body.
#include <algorithm>
#include <fstream>
#include <map>
#include <string>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/support/agentry_harness.hpp"

namespace agentry::cli {
namespace {

using e2e::AgentryHome;
using e2e::json_lines;
using e2e::start_fake;
using nlohmann::json;
namespace fs = std::filesystem;

constexpr std::string_view kBody = "PDF-FORMS-BODY: fill fields with scripts/fill.py";

std::string skill_md(std::string_view name, std::string_view description, std::string_view body) {
  return fmt::format("---\nname: {}\ndescription: {}\n---\n{}\n", name, description, body);
}

/// Skills in the user's three folders and the project's three; `shared` in both.
void write_skills(const AgentryHome& home) {
  auto write = [&](const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
  };
  fs::path user = home.root() / "home";
  write(user / ".claude/skills/pdf-forms/SKILL.md",
        skill_md("pdf-forms", "Fill in PDF forms.", kBody));
  write(user / ".claude/skills/pdf-forms/reference.md", "FIELD-NAMES: name, date\n");
  write(user / ".claude/skills/other/SKILL.md", skill_md("other", "Another skill.", "OTHER"));
  write(user / ".agents/skills/shared/SKILL.md", skill_md("shared", "The user's.", "U"));
  write(home.root() / "config/agentry/skills/own/SKILL.md", skill_md("own", "Agentry's.", "O"));
  write(home.ws() / ".claude/skills/lint/SKILL.md", skill_md("lint", "Lint the crate.", "L"));
  write(home.ws() / ".agents/skills/shared/SKILL.md", skill_md("shared", "The project's.", "P"));
  write(home.ws() / ".agentry/skills/release/SKILL.md", skill_md("release", "Cut one.", "R"));
}

std::vector<std::string> tool_names(const json& request) {
  std::vector<std::string> names;
  for (const auto& t : request.value("tools", json::array()))
    names.push_back(t["function"]["name"]);
  return names;
}

}  // namespace

TEST_CASE("skills list and show: three locations of the user's and the project's, project wins") {
  AgentryHome home;
  write_skills(home);
  auto list = home.run({"skills", "list"}, nullptr);
  INFO("stderr: " << list.err);
  REQUIRE(list.exit_code == 0);
  for (const char* name : {"pdf-forms", "other", "own", "lint", "release"})
    CHECK(list.out.find(name) != std::string::npos);
  CHECK(list.out.find("The project's.") != std::string::npos);
  CHECK(list.out.find("The user's.") == std::string::npos);

  auto json_list = home.run({"skills", "list", "--json"}, nullptr);
  REQUIRE(json_list.exit_code == 0);
  auto skills = json::parse(json_list.out);
  REQUIRE(skills.size() == 6);
  CHECK(skills[0]["name"] == "lint");
  CHECK(skills[0]["scope"] == "project");

  auto show = home.run({"skills", "show", "pdf-forms"}, nullptr);
  REQUIRE(show.exit_code == 0);
  CHECK(show.out.find(std::string(kBody)) != std::string::npos);
  CHECK(show.out.find("reference.md") != std::string::npos);
  auto missing = home.run({"skills", "show", "pdf-form"}, nullptr);
  CHECK(missing.exit_code != 0);
  CHECK(missing.err.find("did you mean pdf-forms?") != std::string::npos);
}

TEST_CASE("skills validate: file:line:column problems, exit 1 on errors, 0 otherwise") {
  AgentryHome home;
  write_skills(home);
  auto clean = home.run({"skills", "validate"}, nullptr);
  INFO("out: " << clean.out << "\nerr: " << clean.err);
  CHECK(clean.exit_code == 0);
  CHECK(clean.out.find("7 skills, 0 errors, 0 warnings") != std::string::npos);

  fs::create_directories(home.ws() / "broken/bad-skill");
  std::ofstream(home.ws() / "broken/bad-skill/SKILL.md")
      << "---\nname: bad skill\ndescription: d\n---\nB\n";
  fs::create_directories(home.ws() / "broken/Loud");
  std::ofstream(home.ws() / "broken/Loud/SKILL.md") << "---\nname: Loud\ndescription: d\n---\nB\n";
  auto broken = home.run({"skills", "validate", "broken"}, nullptr);
  CHECK(broken.exit_code == 1);
  CHECK(broken.out.find((home.ws() / "broken/bad-skill/SKILL.md").string() + ":2:7: error:") !=
        std::string::npos);
  CHECK(broken.out.find((home.ws() / "broken/Loud/SKILL.md").string() + ":2:7: warning:") !=
        std::string::npos);
  CHECK(broken.out.find("1 skill, 1 error, 1 warning") != std::string::npos);
  auto one = home.run({"skills", "validate", "--json", "broken/Loud"}, nullptr);
  CHECK(one.exit_code == 0);
  auto report = json::parse(one.out);
  CHECK(report["skills"] == 1);
  CHECK(report["errors"].empty());
  CHECK(report["warnings"].size() == 1);
}

TEST_CASE("run: skill bodies are disclosed progressively and a loaded skill's folder is readable") {
  AgentryHome home;
  write_skills(home);
  fs::path folder = fs::canonical(home.root() / "home/.claude/skills/pdf-forms");
  fs::path sibling = fs::canonical(home.root() / "home/.claude/skills/other");
  std::string script = fmt::format(R"(
turns:
  - tool_calls:
      - {{id: call_1, name: read_file, arguments: {{path: "{0}/reference.md"}}}}
  - tool_calls:
      - {{id: call_2, name: skill, arguments: {{name: pdf-forms}}}}
  - tool_calls:
      - {{id: call_3, name: read_file, arguments: {{path: "{0}/reference.md"}}}}
      - {{id: call_4, name: read_file, arguments: {{path: "{1}/SKILL.md"}}}}
  - text: "Filled."
)",
                                   folder.string(), sibling.string());
  auto server = start_fake(script);
  auto r = home.run({"run", "--output-format", "json", "Fill in form.pdf"}, server.get());
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  auto result = json_lines(r.out).at(0);
  CHECK(result["result"] == "Filled.");

  auto requests = server->requests();
  REQUIRE(requests.size() == 4);
  std::string first = requests[0].json.dump();
  CHECK(first.find("- pdf-forms: Fill in PDF forms.") != std::string::npos);
  CHECK(first.find("- lint: Lint the crate.") != std::string::npos);
  CHECK(first.find("PDF-FORMS-BODY") == std::string::npos);
  auto tools = tool_names(requests[0].json);
  CHECK(std::find(tools.begin(), tools.end(), "skill") != tools.end());
  // Before the skill is loaded its folder is out of reach.
  CHECK(requests[1].json["messages"].back().dump().find("FIELD-NAMES") == std::string::npos);
  CHECK(requests[1].json.dump().find("PDF-FORMS-BODY") == std::string::npos);
  // The request after the skill call carries the body, then the file is read; the sibling
  // skill's folder stays closed.
  CHECK(requests[2].json["messages"].back().dump().find("PDF-FORMS-BODY") != std::string::npos);
  CHECK(requests[3].json["messages"].dump().find("FIELD-NAMES: name, date") != std::string::npos);
  CHECK(requests[3].json["messages"].dump().find("OTHER") == std::string::npos);
  // In order of completion: the last turn's two reads run side by side.
  std::map<std::string, bool> failed;
  for (const auto& call : result["tool_calls"])
    failed[call["id"]] = call["is_error"];
  CHECK(failed == std::map<std::string, bool>{
                      {"call_1", true}, {"call_2", false}, {"call_3", false}, {"call_4", true}});
}

}  // namespace agentry::cli
