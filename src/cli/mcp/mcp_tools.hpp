#pragma once
/// What `agentry mcp` offers as MCP tools: one tool per exposed agent (taking `task`, `cwd`,
/// `session_id`) and `list_agents`. MCP tool names must match ^[a-zA-Z0-9_-]{1,64}$ (what OpenAI
/// function names allow too), so agent names are sanitised and the catalog keeps the map back.
/// Results: the final answer as text, the public result JSON (event_json.hpp) as
/// structuredContent, matching the declared outputSchema; failures as `isError` results.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "agents/agent_definition.hpp"
#include "core/error.hpp"
#include "engine/engine.hpp"
#include "tools/workspace.hpp"

namespace agentry::cli::mcp {

inline constexpr std::string_view kListAgentsTool = "list_agents";

/// An agent offered as a tool.
struct AgentTool {
  std::string tool;   ///< the MCP tool name
  std::string agent;  ///< the agent's registry name
  std::string description;
  std::string mode;
  std::string model;
};

/// `name` with every character outside [A-Za-z0-9_-] replaced by `_`, cut to 64 characters;
/// "agent" when nothing is left.
std::string sanitize_tool_name(std::string_view name);

class ToolCatalog {
 public:
  /// `chosen` names the agents to offer; empty: every agent whose mode is subagent or all and
  /// that is not hidden. A chosen name that is not among `agents` is a kUsage error.
  [[nodiscard]] static Result<ToolCatalog> build(
      const std::vector<const agents::AgentDefinition*>& agents,
      const std::vector<std::string>& chosen);

  /// The `tools` array of a tools/list result, in a stable order (agents by name, then
  /// list_agents).
  nlohmann::json list() const;
  /// The agent behind tool `name`; null for list_agents and unknown names.
  const AgentTool* find(std::string_view name) const;
  /// The tools/call result of list_agents.
  nlohmann::json list_agents_result() const;
  const std::vector<AgentTool>& agents() const { return agents_; }

 private:
  std::vector<AgentTool> agents_;
};

/// The checked arguments of an agent tool.
struct CallArguments {
  std::string task;
  std::filesystem::path cwd;  ///< canonical, inside one of the roots
  std::string session_id;
};

/// Checks `arguments` against the agent tools' input schema; a relative `cwd` is taken from the
/// first root, and a `cwd` outside every root is refused. Messages are written for the calling
/// model, which gets them as an `isError` result.
[[nodiscard]] Result<CallArguments> parse_call_arguments(
    const nlohmann::json& arguments, const std::vector<tools::Workspace>& roots);

/// A tools/call result holding only a message, with isError set.
nlohmann::json tool_error_result(std::string_view message);
/// The tools/call result of a finished run.
nlohmann::json run_result_to_call_result(const engine::RunResult& result);
/// The tools/call result of a run that failed (isError, with the error in structuredContent).
nlohmann::json run_error_to_call_result(const Error& error, const std::string& session_id,
                                        std::int64_t duration_ms);

}  // namespace agentry::cli::mcp
