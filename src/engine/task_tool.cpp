#include "engine/task_tool.hpp"

#include <fmt/format.h>

#include "engine/engine.hpp"

namespace agentry::engine {

using nlohmann::json;

tl::expected<TaskArguments, std::string> parse_task_arguments(const json& arguments) {
  if (!arguments.is_object()) {
    return tl::make_unexpected(std::string(
        "rewrite your input: task takes an object {description, prompt, subagent_type}"));
  }
  TaskArguments out;
  auto text = [&](const char* key, std::string& into, bool required) -> std::string {
    auto it = arguments.find(key);
    if (it == arguments.end() || it->is_null()) {
      return required ? fmt::format("rewrite your input: `{}` is required", key) : "";
    }
    if (!it->is_string()) return fmt::format("rewrite your input: `{}` must be a string", key);
    into = it->get<std::string>();
    if (required && into.empty()) return fmt::format("rewrite your input: `{}` is empty", key);
    return "";
  };
  for (auto problem :
       {text("prompt", out.prompt, true), text("subagent_type", out.subagent_type, true),
        text("description", out.description, false), text("task_id", out.task_id, false)}) {
    if (!problem.empty()) return tl::make_unexpected(problem);
  }
  return out;
}

bool is_delegation_target(const agents::AgentDefinition& agent,
                          const agents::AgentDefinition& parent) {
  return agent.mode != agents::AgentMode::kPrimary && !agent.hidden && !agent.disabled &&
         agent.name != parent.name;
}

std::vector<const agents::AgentDefinition*> delegation_targets(
    const AgentCatalog& catalog, const agents::AgentDefinition& parent) {
  std::vector<const agents::AgentDefinition*> out;
  for (const auto* agent : catalog.all()) {
    if (is_delegation_target(*agent, parent)) out.push_back(agent);
  }
  return out;
}

ToolSchema task_tool_schema(const std::string& description,
                            const std::vector<const agents::AgentDefinition*>& targets) {
  json names = json::array();
  for (const auto* agent : targets)
    names.push_back(agent->name);
  json parameters = {
      {"type", "object"},
      {"properties",
       {{"description",
         {{"type", "string"}, {"description", "A short (3-7 words) description of the task"}}},
        {"prompt", {{"type", "string"}, {"description", "The task for the subagent to perform"}}},
        {"subagent_type",
         {{"type", "string"},
          {"enum", names},
          {"description", "The type of specialised agent to use for this task"}}},
        {"task_id",
         {{"type", "string"},
          {"description", "Continue an earlier subagent session: the task_id it returned"}}}}},
      {"required", {"description", "prompt", "subagent_type"}},
      {"additionalProperties", false}};
  return ToolSchema{kTaskToolName, description, std::move(parameters)};
}

std::string format_task_result(const RunResult& result) {
  std::string status = to_string(result.reason);
  return fmt::format(
      "{}\n\n<task_metadata>\ntask_id: {}\nagent: {}\nstatus: {}\nturns: {}\n"
      "</task_metadata>",
      result.result.empty() ? "(the subagent gave no answer)" : result.result, result.session_id,
      result.agent, status, result.num_turns);
}

}  // namespace agentry::engine
