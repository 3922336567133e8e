#pragma once
/// Which MCP servers a command may start: the config's `mcp_servers:` (settings.hpp) and the
/// project's `.mcp.json` (Claude Code's format: `{"mcpServers": {NAME: {type, command, args,
/// env, url, headers}}}`) at the project root. `.mcp.json` applies only to a trusted project
/// (project_trust.hpp); an untrusted project's servers are listed as blocked, never started,
/// and the command that would have started them warns on stderr. On a name in both, the
/// config's entry wins.
#include <string>
#include <vector>

#include "app/app_context.hpp"
#include "app/settings.hpp"
#include "core/error.hpp"
#include "mcpclient/server_config.hpp"

namespace agentry::app {

struct McpServers {
  std::vector<mcpclient::ServerConfig> servers;  ///< may be started
  std::vector<mcpclient::ServerConfig> blocked;  ///< an untrusted project's: never started
  std::string blocked_reason;                    ///< why, and how to trust the project
};

/// The servers of `settings` and of `.mcp.json` at ctx.trust_advice.root. A malformed
/// `.mcp.json` of a trusted project is a kConfig error naming the file and the key; an untrusted
/// one's entries are blocked whatever they hold.
[[nodiscard]] Result<McpServers> mcp_servers(const Settings& settings, const AppContext& ctx);

}  // namespace agentry::app
