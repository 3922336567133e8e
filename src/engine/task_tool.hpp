#pragma once
/// The `task` tool: how a parent agent delegates to a subagent. Its parameters are the names
/// Claude Code and opencode use (`description`, `prompt`, `subagent_type`, and opencode's
/// `task_id` to continue an earlier subagent session), which models already know.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/message.hpp"
#include "engine/ports.hpp"

namespace agentry::engine {

struct RunResult;

inline constexpr const char* kTaskToolName = "task";

struct TaskArguments {
  std::string description;
  std::string prompt;
  std::string subagent_type;
  std::string task_id;  ///< empty: a new session
};

/// Validated arguments, or a message telling the model how to rewrite its call.
tl::expected<TaskArguments, std::string> parse_task_arguments(const nlohmann::json& arguments);

/// The agents `parent` may delegate to: subagents (mode subagent or all), not hidden or disabled,
/// not the parent itself; sorted by name.
std::vector<const agents::AgentDefinition*> delegation_targets(
    const AgentCatalog& catalog, const agents::AgentDefinition& parent);
bool is_delegation_target(const agents::AgentDefinition& agent,
                          const agents::AgentDefinition& parent);

/// The schema the model sees; `subagent_type` is an enum of the targets' names.
ToolSchema task_tool_schema(const std::string& description,
                            const std::vector<const agents::AgentDefinition*>& targets);

/// What the parent model reads back: the child's answer and the id to continue it.
std::string format_task_result(const RunResult& result);

}  // namespace agentry::engine
