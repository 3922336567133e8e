#pragma once
/// JSON-RPC 2.0 as MCP uses it, for both sides: `agentry mcp` serving agents (cli/mcp) and the MCP
/// client (mcpclient). This file classifies an input message (request, notification, response,
/// or an invalid message with the error to answer), builds outgoing messages, and writes them:
/// one writer, one mutex, one compact line each, flushed, so messages from concurrent tool calls
/// never interleave on a stream.
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace agentry::mcpclient::jsonrpc {

/// JSON-RPC 2.0 error codes (MCP uses the standard ones).
enum RpcCode : int {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
};

/// A request: `id` is a string or an integer, echoed back with the same JSON type.
struct Request {
  nlohmann::json id;
  std::string method;
  nlohmann::json params;  ///< an object, or null when absent
};

/// A message without an id: never answered.
struct Notification {
  std::string method;
  nlohmann::json params;  ///< an object, or null when absent
};

/// A response to a request: `result` on success, else `error` (an object with code and message).
/// `agentry mcp` sends no requests, so it only logs these; the MCP client matches them by id.
struct Response {
  nlohmann::json id;
  nlohmann::json result;  ///< null when the response is an error
  nlohmann::json error;   ///< null on success
};

/// A line that is not a valid message, with the error to answer it with.
struct Invalid {
  nlohmann::json id;  ///< null when the id could not be read
  int code = kInvalidRequest;
  std::string message;
};

using Incoming = std::variant<Request, Notification, Response, Invalid>;

/// Classifies one line (without its newline). Never throws.
Incoming parse_message(std::string_view line);

nlohmann::json make_result(const nlohmann::json& id, nlohmann::json result);
nlohmann::json make_error(const nlohmann::json& id, int code, std::string_view message,
                          nlohmann::json data = nullptr);
nlohmann::json make_notification(std::string_view method, nlohmann::json params);

/// Writes whole messages to one stream, each as one compact line, flushed at once. Thread-safe.
/// Once the stream fails (the client closed it), further messages are dropped.
class MessageWriter {
 public:
  explicit MessageWriter(std::ostream& out) : out_(out) {}
  MessageWriter(const MessageWriter&) = delete;
  MessageWriter& operator=(const MessageWriter&) = delete;

  /// Returns false when the message could not be written.
  bool send(const nlohmann::json& message);

 private:
  std::mutex mutex_;
  std::ostream& out_;
};

}  // namespace agentry::mcpclient::jsonrpc
