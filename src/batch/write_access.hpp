#pragma once
/// Which tasks may change their directory, and so must not share it with another task at the
/// same time (unless --isolate). Decided from the tools the agent is offered (engine::ToolAccess)
/// and the tools' own `writes` flag (tools/*.yaml); `task` counts as writing, since a subagent
/// may write. An agent with the default tools or a tool agentry does not know (ToolAccess::
/// open_ended), or one that cannot be found, is taken to write: a wrong "no" would let two agents
/// edit one crate at once.
#include <set>
#include <string>

#include "agents/agent_definition.hpp"

namespace agentry::batch {

/// `writing_tools`: the names of tools whose spec says `writes: true`.
bool agent_can_write(const agents::AgentDefinition* agent,
                     const std::set<std::string>& writing_tools);

}  // namespace agentry::batch
