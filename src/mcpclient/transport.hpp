#pragma once
/// How JSON-RPC messages reach one MCP server and come back: a child process over stdio
/// (stdio_transport.hpp) or Streamable HTTP (http_transport.hpp). A transport only moves
/// messages; the protocol (ids, initialize, timeouts, cancellation) is the Client's.
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace agentry::mcpclient {

/// What a transport reports, on a thread of its own. Neither handler may call close().
struct TransportEvents {
  /// One message from the server, as its JSON text.
  std::function<void(std::string_view)> on_message;
  /// The server is gone (exited, stream ended, session expired): called once, with why, as a
  /// verb phrase ("exited with status 3", "ended the session (HTTP 404)").
  std::function<void(const std::string&)> on_closed;
};

class Transport {
 public:
  virtual ~Transport() = default;
  /// Starts the child or checks the URL; messages may arrive from here on.
  [[nodiscard]] virtual Result<void> start(TransportEvents events) = 0;
  /// Sends one message. It does not wait for an answer: answers arrive through on_message.
  /// A failure to send is an error here (for HTTP, a failed POST of a request arrives instead as
  /// an error response to it).
  [[nodiscard]] virtual Result<void> send(const nlohmann::json& message) = 0;
  /// The handshake is done with `protocol_version`: HTTP sends it as MCP-Protocol-Version from
  /// now on and opens the server's GET stream.
  virtual void initialized(const std::string& protocol_version) { (void)protocol_version; }
  /// Ends the server (stdio: closes its stdin, then ends its process group) and joins every
  /// thread. Idempotent; the destructor of each transport calls it.
  virtual void close() = 0;
};

}  // namespace agentry::mcpclient
