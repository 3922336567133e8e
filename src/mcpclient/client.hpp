#pragma once
/// One connection to one MCP server: JSON-RPC requests matched to their responses by id over a
/// Transport, the `initialize` handshake, `tools/list` (every page), `tools/call` with progress,
/// a timeout and cancellation (`notifications/cancelled`), and `ping`. The server's own requests
/// are answered (`ping`; anything else "method not found"); `notifications/tools/list_changed`
/// marks the tool list stale. Thread-safe: calls may run concurrently.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include "core/error.hpp"
#include "mcpclient/transport.hpp"

namespace agentry::mcpclient {

/// The protocol version agentry offers, and those it accepts in the server's answer.
inline constexpr const char* kProtocolVersion = "2025-11-25";
bool supported_protocol_version(std::string_view version);

/// One tool a server offers.
struct ToolInfo {
  std::string name;
  std::string title;  ///< may be empty
  std::string description;
  nlohmann::json input_schema;  ///< a JSON Schema object
  nlohmann::json annotations;   ///< null when absent (readOnlyHint, destructiveHint, …)
};

/// A progress notification of a call in flight.
struct Progress {
  double progress = 0;
  std::optional<double> total;
  std::string message;
};
using ProgressFn = std::function<void(const Progress&)>;

/// What the server said of itself in its answer to `initialize`.
struct ServerInfo {
  std::string protocol_version;
  std::string name;
  std::string version;
  std::string instructions;
};

class Client {
 public:
  /// `server` names the server in errors and logs. Nothing is sent before initialize().
  Client(std::unique_ptr<Transport> transport, std::string server,
         std::shared_ptr<spdlog::logger> log);
  /// Closes the transport (ending a stdio server) after failing every request in flight.
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Starts the transport and performs the handshake within `timeout`.
  [[nodiscard]] Result<ServerInfo> initialize(std::chrono::milliseconds timeout,
                                              std::stop_token stop);
  /// Every tool, following `nextCursor` page by page.
  [[nodiscard]] Result<std::vector<ToolInfo>> list_tools(std::chrono::milliseconds timeout,
                                                         std::stop_token stop);
  /// Calls `tool`; returns the raw `result` object (see call_result.hpp for the model's text).
  /// kCancelled when `stop` fires and kTimeout after `timeout`: both tell the server
  /// (`notifications/cancelled`). kTool when the server is gone or answers with an error.
  [[nodiscard]] Result<nlohmann::json> call_tool(const std::string& tool,
                                                 const nlohmann::json& arguments,
                                                 std::chrono::milliseconds timeout,
                                                 std::stop_token stop,
                                                 const ProgressFn& on_progress);
  [[nodiscard]] Result<void> ping(std::chrono::milliseconds timeout, std::stop_token stop);

  /// False once the server is gone; closed_reason() then says why.
  bool alive() const;
  std::string closed_reason() const;
  /// True when the server said its tools changed since the last list_tools().
  bool tools_changed() const;

 private:
  struct Pending {
    std::optional<nlohmann::json> result;
    std::optional<nlohmann::json> error;
    ProgressFn on_progress;
    std::string progress_token;
    int callbacks_running = 0;  ///< request() returns only once this is 0 (the callback's
                                ///< captures live in the caller's frame)
  };

  [[nodiscard]] Result<nlohmann::json> request(const std::string& method, nlohmann::json params,
                                               std::chrono::milliseconds timeout,
                                               std::stop_token stop, const ProgressFn* on_progress);
  void notify(const std::string& method, nlohmann::json params);
  void on_message(std::string_view text);
  void on_closed(const std::string& reason);
  std::string garbage_note() const;  // under mutex_

  std::unique_ptr<Transport> transport_;
  std::string server_;
  std::shared_ptr<spdlog::logger> log_;
  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  std::map<std::int64_t, Pending> pending_;
  std::int64_t next_id_ = 1;
  std::optional<std::string> closed_;
  bool tools_changed_ = false;
  std::size_t garbage_lines_ = 0;
  std::string first_garbage_;
};

}  // namespace agentry::mcpclient
