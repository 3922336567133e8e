#pragma once
/// One configured MCP server, as agentry's config (`mcp_servers:`) and a project's `.mcp.json`
/// (Claude Code's format: `mcpServers`) describe it. Both use the same keys, read by the one
/// parser here: `type` (stdio | http | sse; without it, `url` means http, else stdio), `command`,
/// `args`, `env`, `cwd` for stdio; `url`, `headers` for HTTP; `timeout` (seconds, or "500ms",
/// "30s", "2m") for each request; `enabled`. Every string value expands `${VAR}` and
/// `${VAR:-default}` from agentry's environment.
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/environment.hpp"
#include "core/error.hpp"

namespace agentry::mcpclient {

enum class TransportKind {
  kStdio,  ///< a child process speaking newline-delimited JSON-RPC on stdin/stdout
  kHttp,   ///< Streamable HTTP (MCP 2025-03-26 and later)
  kSse,    ///< the legacy HTTP+SSE transport (2024-11-05): not supported, reported as such
};

const char* to_string(TransportKind kind);

/// A request (initialize, tools/list, tools/call) is abandoned after this long by default.
inline constexpr std::chrono::milliseconds kDefaultTimeout{300'000};
/// `initialize` gets at most this long, whatever `timeout` says: a server that never answers
/// must not hold the first call for minutes.
inline constexpr std::chrono::milliseconds kMaxInitializeTimeout{30'000};

using NameValues = std::vector<std::pair<std::string, std::string>>;

struct ServerConfig {
  std::string name;
  std::string origin;  ///< "FILE:LINE:COL" of its entry (or the .mcp.json file)
  TransportKind transport = TransportKind::kStdio;
  // stdio
  std::string command;
  std::vector<std::string> args;
  NameValues env;             ///< added to the child's environment (and may restore a secret)
  std::filesystem::path cwd;  ///< empty: agentry's working directory
  // HTTP
  std::string url;
  NameValues headers;
  std::chrono::milliseconds timeout = kDefaultTimeout;
  bool enabled = true;
};

/// `${VAR}` and `${VAR:-default}` in `text` from `env`. An unset variable without a default is an
/// error naming it (at `where`); `$` not followed by `{` is kept as is.
[[nodiscard]] Result<std::string> expand_variables(std::string_view text, const Environment& env,
                                                   std::string_view where);

/// Where a member of the entry was set: "FILE:LINE:COL" for a JSON pointer relative to the
/// entry ("" is the entry itself, "/args/0" its first argument).
using WhereFn = std::function<std::string(std::string_view pointer)>;

/// Reads the entry of server `name`. Errors (ErrorCode::kConfig) name the key, where it was set,
/// and what is expected.
[[nodiscard]] Result<ServerConfig> parse_server_config(std::string name,
                                                       const nlohmann::json& entry,
                                                       const Environment& env,
                                                       const WhereFn& where);

}  // namespace agentry::mcpclient
