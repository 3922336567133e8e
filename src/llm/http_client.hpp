#pragma once
/// HTTP POST over libcurl for the providers: streaming body delivery, bounded phases,
/// cancellation through std::stop_token, and connection reuse across calls.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <spdlog/logger.h>

#include "core/error.hpp"
#include "llm/curl_global.hpp"
#include "llm/proxy_settings.hpp"

namespace agentry::llm {

/// Every network phase is bounded (STYLE.md: llama.cpp's lesson).
struct HttpTimeouts {
  std::chrono::milliseconds connect{10'000};  ///< TCP + TLS handshake
  /// Abort when under 1 byte/s for this long. libcurl averages the speed over its last ~5 s of
  /// samples, so a silent stall is noticed after about low_speed + 5 s.
  std::chrono::seconds low_speed{120};
  std::chrono::milliseconds total{600'000};  ///< the whole exchange, streaming included; 0 = none
};

struct HttpClientOptions {
  HttpTimeouts timeouts;
  ProxyEnvironment proxy;
  std::string user_agent = std::string("agentry/") + AGENTRY_VERSION;
};

struct HttpRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  ///< name, value
  std::string body;                                          ///< sent as POST data
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string, std::less<>> headers;  ///< lower-case names; last one wins
  std::string error_body;        ///< the body of a non-2xx answer (first 64 KiB)
  std::uint64_t body_bytes = 0;  ///< body bytes received, whatever the status
  bool reused_connection = false;

  /// The header's value, or "" when absent. `name` must be lower case.
  std::string header(std::string_view name) const;
};

/// Receives the body of a 2xx answer piece by piece as it arrives (on the calling thread).
/// Returning false aborts the transfer; post() then fails with a kNetwork error that the caller,
/// who knows why it aborted, replaces with its own.
using BodyHandler = std::function<bool(std::string_view)>;

/// One client per provider. Each call borrows an idle (multi, easy) pair from a pool and gives it
/// back, so consecutive turns reuse the kept-alive HTTP/1.1 connection, and concurrent calls
/// (parallel subagents, batch tasks) each get their own. The pool keeps as many pairs as calls
/// were ever in flight at once (at most 256): a batch at -j 64 keeps 64 connections alive
/// instead of reconnecting on most turns. Thread-safe.
class HttpClient {
 public:
  HttpClient(CurlGlobal& curl, HttpClientOptions options, std::shared_ptr<spdlog::logger> log);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// POSTs `request`. A non-2xx status is not an error here: the response carries it and its
  /// body. Errors: kNetwork (connection, broken transfer; retryable unless the host does not
  /// resolve), kTimeout (retryable), kCancelled (stop requested; the transfer is dropped at once,
  /// polled at least every 50 ms and woken immediately by the stop callback).
  [[nodiscard]] Result<HttpResponse> post(const HttpRequest& request, const BodyHandler& on_body,
                                          std::stop_token stop);
  /// GETs `request.url` (its body is ignored) within `timeouts` instead of the client's (a short
  /// look-up such as GET /v1/models); otherwise exactly like post().
  [[nodiscard]] Result<HttpResponse> get(const HttpRequest& request, const BodyHandler& on_body,
                                         std::stop_token stop, const HttpTimeouts& timeouts);
  /// DELETEs `request.url` (its body is ignored) within `timeouts`, as get() does (an MCP client
  /// ending its session).
  [[nodiscard]] Result<HttpResponse> del(const HttpRequest& request, std::stop_token stop,
                                         const HttpTimeouts& timeouts);

  const HttpClientOptions& options() const { return options_; }

 private:
  struct Session;
  [[nodiscard]] Result<HttpResponse> perform(const char* method, const HttpRequest& request,
                                             const BodyHandler& on_body, std::stop_token stop,
                                             const HttpTimeouts& timeouts);
  std::unique_ptr<Session> acquire(const CurlApi& api);
  void release(std::unique_ptr<Session> session);

  CurlGlobal& curl_;
  HttpClientOptions options_;
  std::shared_ptr<spdlog::logger> log_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Session>> idle_;
  std::size_t in_use_ = 0;
  std::size_t peak_in_use_ = 0;
};

}  // namespace agentry::llm
