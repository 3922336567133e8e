#pragma once
/// The MCP servers of one agentry process: the one interface the rest of agentry uses to reach
/// them (app::Services builds the pool; `agentry mcp list|tools|call` and the engine's MCP tools
/// use it).
///
///   - servers(): every configured server with its state, enabled or not, including those of an
///     untrusted project's `.mcp.json`, which are listed as blocked and never started.
///   - tools(server, stop): the server's tools (name, description, inputSchema), listed on first
///     use and again after `notifications/tools/list_changed`.
///   - call(server, tool, arguments, stop, on_progress): one tools/call as the model reads it
///     (call_result.hpp), never an exception or an Error: every failure is an error result whose
///     text says what failed and what to do.
///
/// A server starts on first use (tools() or call()), never when the pool is built. A server that
/// dies fails the calls in flight with an error result and is started again, once, on the next
/// call; if it dies again or cannot start, it stays failed until the process ends. Every call has
/// the server's `timeout`; `stop` (Ctrl-C, a cancelled turn) sends `notifications/cancelled` and
/// returns at once. The destructor (or stop_all()) ends every server: no orphan. Thread-safe:
/// calls to one server or to several may run concurrently.
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include "core/environment.hpp"
#include "core/error.hpp"
#include "llm/curl_global.hpp"
#include "mcpclient/call_result.hpp"
#include "mcpclient/client.hpp"
#include "mcpclient/server_config.hpp"

namespace agentry::mcpclient {

enum class ServerState {
  kNotStarted,  ///< configured, not used yet
  kRunning,     ///< initialized and answering
  kExited,      ///< died; restarted on the next call
  kFailed,      ///< could not start, or died again after its restart: every call fails
  kDisabled,    ///< `enabled: false`
  kBlocked,     ///< from an untrusted project: never started
};
const char* to_string(ServerState state);

/// One server as servers() lists it.
struct ServerStatus {
  std::string name;
  std::string origin;
  TransportKind transport = TransportKind::kStdio;
  ServerState state = ServerState::kNotStarted;
  std::string detail;  ///< why it failed, exited or is blocked; the server's name and version
  /// "command args…" or the URL (secrets in it redacted).
  std::string target;
};

struct PoolOptions {
  Environment env;            ///< agentry's; children get it without secrets
  std::filesystem::path cwd;  ///< where stdio servers start (their `cwd` is under it)
  std::shared_ptr<spdlog::logger> log;
  llm::CurlGlobal* curl = nullptr;  ///< for HTTP servers; must outlive the pool
  std::size_t output_cap = kDefaultOutputCap;
};

class ServerPool {
 public:
  /// `servers` in the order they are listed; `blocked` are shown but never started (an
  /// untrusted project's), with `blocked_reason` as their detail.
  ServerPool(std::vector<ServerConfig> servers, std::vector<ServerConfig> blocked,
             std::string blocked_reason, PoolOptions options);
  ~ServerPool();
  ServerPool(const ServerPool&) = delete;
  ServerPool& operator=(const ServerPool&) = delete;

  std::vector<ServerStatus> servers() const;
  /// The configured, enabled server names (blocked and disabled ones excluded).
  std::vector<std::string> usable_servers() const;

  /// The tools of `server`, starting it if need be. kNotFound for an unknown server; kTool when
  /// it cannot start or list; kPermission when it is blocked.
  [[nodiscard]] Result<std::vector<ToolInfo>> tools(std::string_view server, std::stop_token stop);
  /// Calls `tool` of `server` with `arguments` (an object), as the model reads it.
  CallResult call(std::string_view server, std::string_view tool, const nlohmann::json& arguments,
                  std::stop_token stop, const ProgressFn& on_progress = {});
  /// Pings `server` (starting it if need be).
  [[nodiscard]] Result<void> ping(std::string_view server, std::stop_token stop);

  /// Ends every server (the destructor does too).
  void stop_all();

 private:
  struct Entry;
  Entry* find(std::string_view server) const;
  /// The running client of `entry`, started (or restarted once) if need be.
  Result<std::shared_ptr<Client>> connect(Entry& entry, std::stop_token stop);

  PoolOptions options_;
  std::string blocked_reason_;
  std::vector<std::unique_ptr<Entry>> entries_;
};

}  // namespace agentry::mcpclient
