#pragma once
/// The ToolHost the engine runs on when MCP servers may be reached: agentry's own tools (a
/// RegistryToolHost) and, beside them, the tools of the MCP servers an agent reaches, named
/// `mcp__<server>__<tool>` (mcpclient/tool_names) with the server's description and inputSchema.
///
/// Which servers an agent reaches: those of its `mcpServers` front-matter (configured servers by
/// name, and its inline definitions), else every configured server; of their tools, those
/// ToolAccess::offers_mcp gives it. Servers start on first use: the first session of an agent
/// that may be offered one of their tools lists them (servers of one agent start side by side).
/// An agent that cannot be offered an MCP tool (ToolAccess::may_offer_mcp) costs nothing: no
/// pool is built, no server starts. A server that cannot start or list is left out, with a
/// warning in the log; the agent works with the rest.
///
/// A call goes through the agent's permission policy (MCP tools ask by default), the approver,
/// the redactor and the output cap as agentry's own tools do (tools::ToolInvoker); progress
/// reaches ToolContext::on_progress and a stop cancels the call (`notifications/cancelled`).
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "engine/ports.hpp"
#include "engine/registry_tool_host.hpp"
#include "mcpclient/server_pool.hpp"

namespace agentry::engine {

/// Where the MCP servers come from: the composition root's pools, each built on first use.
class McpServerSource {
 public:
  virtual ~McpServerSource() = default;
  /// Cheap (builds nothing): false when no server can be configured at all (none in the config,
  /// no .mcp.json), so that only agents with inline servers need a pool.
  virtual bool any_configured() const = 0;
  /// The pool of the configured servers (built on the first call).
  [[nodiscard]] virtual Result<mcpclient::ServerPool*> configured() = 0;
  /// The pool of `agent`'s inline `mcpServers` definitions (built on the first call for that
  /// agent file; null when it has none). An untrusted project's agent's servers are blocked in it.
  [[nodiscard]] virtual Result<mcpclient::ServerPool*> inline_servers(
      const agents::AgentDefinition& agent) = 0;
};

class McpToolHost final : public ToolHost {
 public:
  /// `stop` cancels servers still starting; every argument must outlive the host.
  McpToolHost(RegistryToolHost& own, McpServerSource& source, std::stop_token stop,
              std::shared_ptr<spdlog::logger> log);
  ~McpToolHost() override;

  /// The agent's own tools, then its MCP tools in server order (starting servers as needed).
  std::vector<ToolSchema> schemas_for(const agents::AgentDefinition& agent) const override;
  Result<ToolResult> execute(const agents::AgentDefinition& agent, const ToolCall& call,
                             const tools::ToolContext& context) override;
  /// MCP calls do not write the workspace as agentry tracks it: they run side by side.
  bool writes(const ToolCall& call) const override;

  class McpTool;

 private:
  using Tools = std::vector<std::shared_ptr<McpTool>>;
  /// The MCP tools `agent` is offered, listed now (and kept for execute()).
  Tools list_tools(const agents::AgentDefinition& agent) const;
  std::shared_ptr<McpTool> find(const agents::AgentDefinition& agent,
                                const std::string& name) const;

  RegistryToolHost& own_;
  McpServerSource& source_;
  std::stop_token stop_;
  std::shared_ptr<spdlog::logger> log_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, Tools> by_agent_;  ///< by agent definition
  mutable std::map<std::string, bool> reported_;   ///< warnings already logged
};

}  // namespace agentry::engine
