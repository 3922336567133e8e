#pragma once
/// The JSON form of an agent and of load diagnostics, as `agentry agents … --json` prints them
/// for scripts. Field names are a contract: add fields, never rename them.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agents/agent_definition.hpp"
#include "agents/diagnostic.hpp"

namespace agentry::agents {

/// The tools an agent ends up with: its list when it has one, else every agentry tool minus the
/// disabled ones (wildcards honoured) plus the enabled extras.
std::vector<std::string> effective_tools(const AgentDefinition& def);

/// name, description, mode, model, tools (effective, an array), tools_default (true when the
/// file did not restrict them), source, scope; with `full` also temperature, max_steps,
/// disabled_tools, enabled_tools, permission, color, hidden, disabled, extra and prompt.
nlohmann::ordered_json to_json(const AgentDefinition& def, bool full);

/// {file, line, column, message} (and severity with `with_severity`).
nlohmann::ordered_json to_json(const Diagnostic& diagnostic, bool with_severity);

}  // namespace agentry::agents
