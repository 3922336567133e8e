#pragma once
/// Agent Skills in a session, by progressive disclosure: the system prompt lists the skills an
/// agent can load (name and description only) and holds the bodies of those its `skills:`
/// front-matter preloads; the `skill` tool (parameter `name`) returns a skill's body, its folder
/// and the files in it. From then on the session's reading file tools may read that folder even
/// when it lies outside the workspace (tools::ToolContext::read_roots): only that folder, only
/// reading, only once loaded. A skill's `allowed-tools` is shown, never a grant: permissions
/// stay with the agent's and the config's rules.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "agents/agent_definition.hpp"
#include "agents/skill.hpp"
#include "core/message.hpp"

namespace agentry::engine {

inline constexpr const char* kSkillToolName = "skill";

/// The skills `agent` may load with the `skill` tool: every model-invocable one when it is
/// offered the tool (tool_access.hpp), none otherwise; sorted by name.
std::vector<const agents::SkillDefinition*> loadable_skills(const agents::SkillRegistry& skills,
                                                            const agents::AgentDefinition& agent);

/// The skills `agent.skills` names, in its order; names no skill has go to `missing`.
std::vector<const agents::SkillDefinition*> preloaded_skills(const agents::SkillRegistry& skills,
                                                             const agents::AgentDefinition& agent,
                                                             std::vector<std::string>& missing);

/// The system prompt's section: `loadable` by name and description, then each of `preloaded`
/// whole. Empty when both are.
std::string skills_prompt_section(const std::vector<const agents::SkillDefinition*>& loadable,
                                  const std::vector<const agents::SkillDefinition*>& preloaded);

/// The schema the model sees; `name` is an enum of `loadable`'s names.
ToolSchema skill_tool_schema(const std::vector<const agents::SkillDefinition*>& loadable);

/// The loadable skill a call names, or the message telling the model what to call instead.
tl::expected<const agents::SkillDefinition*, std::string> skill_of_call(
    const std::vector<const agents::SkillDefinition*>& loadable, const nlohmann::json& arguments);

/// What the model reads back: the skill's folder, its body and the other files in its folder
/// (absolute paths, for read_file).
std::string format_skill(const agents::SkillDefinition& skill);

/// The folders of the skills `history` loaded with successful `skill` calls: a resumed session
/// may read them again.
std::vector<std::filesystem::path> loaded_skill_folders(
    const std::vector<const agents::SkillDefinition*>& loadable,
    const std::vector<Message>& history);

}  // namespace agentry::engine
