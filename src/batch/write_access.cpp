#include "batch/write_access.hpp"

#include <algorithm>

#include "agents/tool_names.hpp"
#include "engine/task_tool.hpp"
#include "engine/tool_access.hpp"

namespace agentry::batch {

bool agent_can_write(const agents::AgentDefinition* agent,
                     const std::set<std::string>& writing_tools) {
  if (agent == nullptr) return true;
  engine::ToolAccess access(*agent);
  // A tool agentry does not know (an MCP tool) may do anything.
  if (access.open_ended(agents::kAgentryTools) || access.offers(engine::kTaskToolName)) return true;
  return std::any_of(writing_tools.begin(), writing_tools.end(),
                     [&](const std::string& tool) { return access.offers(tool); });
}

}  // namespace agentry::batch
