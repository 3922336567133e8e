#pragma once
/// The Streamable HTTP transport (MCP 2025-03-26 and later), over the providers' libcurl client
/// (llm::HttpClient) and SSE parser. Each message is POSTed to the server's URL on a thread of
/// its own (so a long tools/call never holds up a cancellation or a ping) with `Accept:
/// application/json, text/event-stream`; the answer is a JSON body or an SSE stream whose events
/// are delivered as they arrive (progress notifications before the result). The server's
/// `Mcp-Session-Id` is sent back on every later request, `MCP-Protocol-Version` after the
/// handshake. A POST stream that ends before its answer is resumed with a GET carrying
/// `Last-Event-ID`, after the stream's `retry` delay; the server's own GET stream (notifications
/// such as tools/list_changed) is opened after the handshake where offered (not 405) and
/// reconnected the same way. A 404 with a session means the session expired: the transport
/// closes, and the pool starts a new one on the next call.
#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include <spdlog/logger.h>

#include "llm/curl_global.hpp"
#include "llm/http_client.hpp"
#include "mcpclient/server_config.hpp"
#include "mcpclient/transport.hpp"

namespace agentry::mcpclient {

class HttpTransport final : public Transport {
 public:
  /// `proxy`: the proxy variables of agentry's environment (https_proxy, no_proxy, …).
  HttpTransport(ServerConfig config, llm::CurlGlobal& curl, llm::ProxyEnvironment proxy,
                std::shared_ptr<spdlog::logger> log);
  ~HttpTransport() override;
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  [[nodiscard]] Result<void> start(TransportEvents events) override;
  [[nodiscard]] Result<void> send(const nlohmann::json& message) override;
  void initialized(const std::string& protocol_version) override;
  void close() override;

 private:
  struct Stream;
  struct Worker {
    std::shared_ptr<std::atomic<bool>> done;
    std::jthread thread;
  };
  /// Runs `work` on a thread of its own, joined by close().
  void spawn(std::function<void()> work);
  void post(const nlohmann::json& message, std::stop_token stop);
  void listen(std::stop_token stop);
  /// GETs the URL with the session's headers (and Last-Event-ID when resuming) into `stream`.
  Result<llm::HttpResponse> get_stream(Stream& stream, std::stop_token stop);
  std::vector<std::pair<std::string, std::string>> headers(bool for_post) const;
  void deliver(std::string_view text);
  void answer_with_error(const nlohmann::json& id, const std::string& message);
  void closed(const std::string& reason);
  /// DELETEs the session (if the server gave one), once the exchanges have ended.
  void end_session();
  bool sleep_for(std::chrono::milliseconds delay, std::stop_token stop);

  ServerConfig config_;
  std::shared_ptr<spdlog::logger> log_;
  llm::HttpClient http_;
  TransportEvents events_;
  mutable std::mutex mutex_;
  std::string session_id_;
  std::string protocol_version_;
  std::stop_source stop_;
  std::list<Worker> workers_;
  std::atomic<bool> closed_{false};
  std::atomic<bool> close_reported_{false};
};

}  // namespace agentry::mcpclient
