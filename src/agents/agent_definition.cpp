#include "agents/agent_definition.hpp"

namespace agentry::agents {

const char* to_string(AgentMode mode) {
  switch (mode) {
    case AgentMode::kPrimary:
      return "primary";
    case AgentMode::kSubagent:
      return "subagent";
    case AgentMode::kAll:
      return "all";
  }
  return "all";
}

}  // namespace agentry::agents
