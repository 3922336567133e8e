#pragma once
/// agentry as an MCP server over stdio (PROTOCOLS.md §4): newline-delimited JSON-RPC 2.0 in,
/// protocol messages only out. The session follows the legacy lifecycle (2024-11-05 …
/// 2025-11-25): `initialize` negotiates the version, then `tools/list` and `tools/call` serve the
/// catalog (mcp_tools.hpp); `ping` is answered at any time. Unknown methods, including the
/// modern revision's `server/discover` probe, get -32601 at once so a probing client falls back
/// to `initialize`.
///
/// Agent calls run concurrently on a bounded pool, each its own session with its own stop
/// source; the reader keeps serving `ping` and `notifications/cancelled` meanwhile. A cancelled
/// call gets no response (per spec). At end of input every call still queued or running is
/// cancelled and waited for.
#include <cstddef>
#include <filesystem>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/logger.h>

#include "cli/mcp/call_pool.hpp"
#include "cli/mcp/mcp_tools.hpp"
#include "core/error.hpp"
#include "engine/task_runner.hpp"
#include "mcpclient/jsonrpc.hpp"
#include "tools/workspace.hpp"

namespace agentry::cli::mcp {

using namespace mcpclient::jsonrpc;  // NOLINT: the protocol's vocabulary, shared with the client

/// Protocol revisions served, newest first. A client asking for another gets the first.
inline constexpr std::string_view kProtocolVersions[] = {"2025-11-25", "2025-06-18", "2025-03-26",
                                                         "2024-11-05"};

struct ServerOptions {
  std::vector<std::string> agents;           ///< --agent; empty: every subagent
  std::vector<std::filesystem::path> roots;  ///< --root; a call's cwd must lie inside one
  engine::PermissionMode permission_mode = engine::PermissionMode::kAsk;
  std::string model;               ///< --model: overrides every agent's model; empty: theirs
  std::optional<int> max_steps;    ///< --max-steps
  std::size_t max_concurrent = 4;  ///< calls running at once; more wait
  std::size_t max_line_bytes = 16 * 1024 * 1024;
};

class McpServer {
 public:
  /// Fails with kUsage when a chosen agent is unknown or a root is not a directory.
  [[nodiscard]] static Result<std::unique_ptr<McpServer>> create(
      engine::TaskRunner& runner, ServerOptions options, std::ostream& out,
      std::shared_ptr<spdlog::logger> log);
  /// Cancels and waits for whatever still runs.
  ~McpServer();
  McpServer(const McpServer&) = delete;
  McpServer& operator=(const McpServer&) = delete;

  /// Serves `in` until its end, then cancels what still runs and waits for it.
  void serve(std::istream& in);
  /// Handles one input line. Call from one thread at a time (the reader).
  void handle_line(std::string_view line);
  /// Blocks until no call is queued or running.
  void wait_idle() { calls_.wait_idle(); }
  /// Cancels every call (without responses) and waits for the running ones.
  void shutdown() { calls_.shutdown(); }

  const ToolCatalog& catalog() const { return catalog_; }

 private:
  enum class State { kAwaitingInitialize, kInitialized };

  McpServer(engine::TaskRunner& runner, ServerOptions options, ToolCatalog catalog,
            std::vector<tools::Workspace> roots, std::ostream& out,
            std::shared_ptr<spdlog::logger> log);

  void handle_request(const Request& request);
  void handle_notification(const Notification& notification);
  void initialize(const Request& request);
  void call_tool(const Request& request);
  void start_agent_call(const Request& request, const AgentTool& tool, engine::TaskRequest task);
  /// Runs on a pool thread: the task, then its response unless the call was cancelled.
  void run_agent_call(const nlohmann::json& id, const nlohmann::json& progress_token,
                      const engine::TaskRequest& task, std::stop_token stop);
  void cancel_request(const nlohmann::json& request_id);
  void reply_error(const nlohmann::json& id, int code, std::string_view message,
                   nlohmann::json data = nullptr);

  engine::TaskRunner& runner_;
  ServerOptions options_;
  ToolCatalog catalog_;
  std::vector<tools::Workspace> roots_;
  std::shared_ptr<spdlog::logger> log_;
  MessageWriter writer_;
  State state_ = State::kAwaitingInitialize;
  CallPool calls_;  // last: its threads use the members above until it is destroyed
};

}  // namespace agentry::cli::mcp
