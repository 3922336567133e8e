#include "engine/skill_tool.hpp"

#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>

#include "engine/tool_access.hpp"

namespace agentry::engine {

using nlohmann::json;

namespace {

/// A skill's folder listing stops here: the model can list_files the rest.
constexpr std::size_t kListedSkillFiles = 50;

}  // namespace

std::vector<const agents::SkillDefinition*> loadable_skills(const agents::SkillRegistry& skills,
                                                            const agents::AgentDefinition& agent) {
  std::vector<const agents::SkillDefinition*> out;
  if (!ToolAccess(agent).offers(kSkillToolName)) return out;
  for (const auto& skill : skills.skills())
    if (skill.model_invocable) out.push_back(&skill);
  return out;
}

std::vector<const agents::SkillDefinition*> preloaded_skills(const agents::SkillRegistry& skills,
                                                             const agents::AgentDefinition& agent,
                                                             std::vector<std::string>& missing) {
  std::vector<const agents::SkillDefinition*> out;
  for (const auto& name : agent.skills) {
    const auto* skill = skills.find(name);
    if (skill == nullptr) {
      missing.push_back(name);
    } else if (std::find(out.begin(), out.end(), skill) == out.end()) {
      out.push_back(skill);
    }
  }
  return out;
}

std::string skills_prompt_section(const std::vector<const agents::SkillDefinition*>& loadable,
                                  const std::vector<const agents::SkillDefinition*>& preloaded) {
  std::string out;
  if (!loadable.empty()) {
    out +=
        "# Skills\n\nSkills are folders of instructions, scripts and references for particular "
        "tasks. When a task matches a skill's description, call the `skill` tool with its name "
        "before you start: it returns the skill's instructions and the files in its folder, "
        "which read_file, list_files, grep and glob can then read. Available skills:\n";
    for (const auto* skill : loadable)
      out += fmt::format("- {}: {}\n", skill->name, skill->description);
  }
  for (const auto* skill : preloaded) {
    if (!out.empty()) out += "\n";
    out += fmt::format("# Skill: {}\n\n(Its folder: {})\n\n{}\n", skill->name,
                       skill->folder.string(), skill->body);
  }
  return out;
}

ToolSchema skill_tool_schema(const std::vector<const agents::SkillDefinition*>& loadable) {
  json names = json::array();
  for (const auto* skill : loadable)
    names.push_back(skill->name);
  json parameters = {
      {"type", "object"},
      {"properties",
       {{"name",
         {{"type", "string"},
          {"enum", names},
          {"description", "The skill to load, as named in the system prompt's list"}}}}},
      {"required", {"name"}},
      {"additionalProperties", false}};
  return ToolSchema{kSkillToolName,
                    "Load a skill: returns its instructions and the list of the files in its "
                    "folder. Call it when the task matches a skill's description in the system "
                    "prompt, then follow the instructions.",
                    std::move(parameters)};
}

tl::expected<const agents::SkillDefinition*, std::string> skill_of_call(
    const std::vector<const agents::SkillDefinition*>& loadable, const json& arguments) {
  auto it = arguments.is_object() ? arguments.find("name") : arguments.end();
  if (!arguments.is_object() || it == arguments.end() || !it->is_string())
    return tl::make_unexpected(
        std::string("rewrite your input: skill takes an object {\"name\": \"<skill name>\"}"));
  std::string name = it->get<std::string>();
  for (const auto* skill : loadable)
    if (skill->name == name) return skill;
  std::string names;
  for (const auto* skill : loadable)
    names += (names.empty() ? "" : ", ") + skill->name;
  return tl::make_unexpected(fmt::format("unknown skill '{}'; the skills you can load are: {}",
                                         name, names.empty() ? "(none)" : names));
}

std::string format_skill(const agents::SkillDefinition& skill) {
  std::size_t more = 0;
  std::vector<std::string> files = agents::skill_files(skill, kListedSkillFiles, more);
  std::string folder = skill.folder.string();
  std::string out = fmt::format(
      "Skill `{}` (folder {}). Paths in its instructions are relative to that folder; read its "
      "files by their absolute paths.\n\n{}\n",
      skill.name, folder, skill.body);
  if (files.empty()) return out + "\n(The folder holds no other files.)";
  out += fmt::format("\nFiles in {}:\n", folder);
  for (const auto& file : files)
    out += fmt::format("- {}/{}\n", folder, file);
  if (more > 0) out += fmt::format("[{} more files: list_files {} shows them]\n", more, folder);
  return out;
}

std::vector<std::filesystem::path> loaded_skill_folders(
    const std::vector<const agents::SkillDefinition*>& loadable,
    const std::vector<Message>& history) {
  std::unordered_set<std::string> succeeded;
  for (const auto& message : history)
    for (const auto& result : message.tool_results)
      if (result.name == kSkillToolName && !result.is_error) succeeded.insert(result.call_id);
  std::vector<std::filesystem::path> out;
  for (const auto& message : history) {
    for (const auto& call : message.tool_calls) {
      if (call.name != kSkillToolName || !succeeded.contains(call.id)) continue;
      auto skill = skill_of_call(loadable, call.arguments);
      if (skill && std::find(out.begin(), out.end(), (*skill)->folder) == out.end())
        out.push_back((*skill)->folder);
    }
  }
  return out;
}

}  // namespace agentry::engine
