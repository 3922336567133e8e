#include "batch/write_access.hpp"

#include <algorithm>

#include "agents/tool_names.hpp"

namespace agentry::batch {

bool agent_can_write(const agents::AgentDefinition* agent,
                     const std::set<std::string>& writing_tools) {
  if (agent == nullptr || !agent->tools) return true;
  auto writes = [&](const std::string& name) {
    if (name.find_first_of("*?") != std::string::npos) {
      return agents::tool_pattern_matches(name, "task") ||
             std::any_of(writing_tools.begin(), writing_tools.end(), [&](const std::string& w) {
               return agents::tool_pattern_matches(name, w);
             });
    }
    // A tool agentry does not know (an MCP tool) may do anything.
    return name == "task" || !agents::is_agentry_tool(name) || writing_tools.count(name) > 0;
  };
  bool own = std::any_of(agent->tools->begin(), agent->tools->end(), writes);
  bool extra = std::any_of(agent->enabled_tools.begin(), agent->enabled_tools.end(), writes);
  return own || extra;
}

}  // namespace agentry::batch
