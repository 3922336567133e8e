#pragma once
/// The JSON form of an agent and of load diagnostics, as `agentry agents … --json` prints them
/// for scripts. Field names are a contract: add fields, never rename them.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agents/agent_definition.hpp"
#include "agents/diagnostic.hpp"

namespace agentry::agents {

/// name, description, mode, model, tools (`tools`: the agent's tools as the tool-access policy
/// lists them, engine::ToolAccess::listed; this layer does not decide them), tools_default (true
/// when the file did not restrict them), source, scope; with `full` also temperature,
/// max_steps, disabled_tools, enabled_tools, permission, color, hidden, disabled, extra and
/// prompt.
nlohmann::ordered_json to_json(const AgentDefinition& def, bool full,
                               const std::vector<std::string>& tools);

/// {file, line, column, message} (and severity with `with_severity`).
nlohmann::ordered_json to_json(const Diagnostic& diagnostic, bool with_severity);

}  // namespace agentry::agents
