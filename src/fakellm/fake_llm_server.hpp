#pragma once
/// A scripted fake LLM server on 127.0.0.1 that speaks the real wire protocols: OpenAI chat
/// completions (POST /v1/chat/completions or /chat/completions) and Anthropic Messages
/// (POST /v1/messages or /messages), streamed (SSE over chunked transfer) and not.
///
/// It answers from a Script (see script.hpp), injects the script's faults, enforces the context
/// window and accounts prompt caching as the real services do (accounting.hpp), and records
/// every request it receives so tests can assert what a client sent. Used by the llm and engine
/// tests, by the agentry-fake-llm executable, and by `agentry demo`. Never reaches beyond loopback.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "fakellm/accounting.hpp"
#include "fakellm/render.hpp"
#include "fakellm/responses_rules.hpp"
#include "fakellm/script.hpp"
#include "fakellm/socket_server.hpp"

namespace agentry::fakellm {

struct RecordedRequest {
  int number = 0;      ///< 1-based order of arrival
  int connection = 0;  ///< 1-based connection number: equal numbers mean a reused connection
  std::string method;
  std::string target;  ///< as sent (absolute-form when the client used this server as a proxy)
  std::string path;
  std::map<std::string, std::string, std::less<>> headers;  ///< lower-case names
  std::string body;
  nlohmann::json json;   ///< the parsed body; null when it was not JSON
  int turn = -1;         ///< 0-based index of the script turn that answered; -1 none
  bool faulted = false;  ///< answered by one of the turn's faults
  /// The server's count (accounting.hpp): the prompt's tokens always; cache reads and writes
  /// and output for a request a turn answered (not a refused one, nor an HTTP-error fault).
  RequestTokens tokens;
  bool refused = false;  ///< refused as the real service would (window, max_tokens, breakpoints)
  std::string refusal;   ///< the refusal's error message

  /// The header's value or "" (name in lower case).
  std::string header(std::string_view name) const;
};

struct FakeLlmOptions {
  int port = 0;  ///< 0: an ephemeral port
  /// Called on a server thread for each request, once recorded and before it is answered
  /// (calls for concurrent requests may overlap).
  std::function<void(const RecordedRequest&)> on_request;
  /// Keep every request for requests(). The executable, which has no caller to read them,
  /// turns this off so a long run (a 1,000-task batch benchmark) does not grow without bound.
  bool keep_requests = true;
  /// Replaces the script's `server:` settings (script.hpp) when set.
  std::optional<ServerSettings> server;
};

/// One request's accounting, without its body (kept even without keep_requests).
struct RequestCount {
  int number = 0;
  std::string path;
  int turn = -1;
  bool refused = false;
  std::string refusal;
  RequestTokens tokens;
};

/// Sums over the requests a server received (kept even without keep_requests).
struct TokenTotals {
  std::int64_t requests = 0;  ///< answered, not refused
  std::int64_t refused = 0;
  std::int64_t prompt = 0;
  std::int64_t input = 0;
  std::int64_t cache_read = 0;
  std::int64_t cache_write = 0;
  std::int64_t output = 0;
};

class FakeLlmServer {
 public:
  /// Starts serving `script`; the server runs until stop() or destruction.
  [[nodiscard]] static Result<std::unique_ptr<FakeLlmServer>> start(Script script,
                                                                    FakeLlmOptions options = {});
  ~FakeLlmServer();
  FakeLlmServer(const FakeLlmServer&) = delete;
  FakeLlmServer& operator=(const FakeLlmServer&) = delete;

  /// Stops accepting and drops open connections (a client mid-stream sees the stream break).
  void stop();
  int port() const;
  /// "http://127.0.0.1:PORT" followed by `path`, e.g. url("/v1") for an OpenAI base_url.
  std::string url(std::string_view path = "") const;
  /// Every request received so far, in order of arrival (none without keep_requests).
  std::vector<RecordedRequest> requests() const;
  std::size_t request_count() const;
  /// TCP connections accepted so far.
  int connections() const;
  /// Token counts and refusals summed over all requests so far.
  TokenTotals totals() const;
  /// Each request's accounting, in order of arrival (cheap to read after every turn).
  std::vector<RequestCount> counts() const;
  /// The settings in force (the script's, or FakeLlmOptions::server).
  const ServerSettings& settings() const { return accountant_.settings(); }

 private:
  struct Selection {
    int turn = -1;
    const Fault* fault = nullptr;
  };
  FakeLlmServer(Script script, FakeLlmOptions options);
  void handle(const HttpRequestData& request, ResponseWriter& writer);
  Selection select(const Renderer& renderer, const nlohmann::json& body, int number);
  void answer(const Renderer& renderer, const Turn& turn, const Fault* fault,
              const RequestView& view, ResponseWriter& writer);
  void stream(const Renderer& renderer, const Turn& turn, const Fault* fault,
              const RequestView& view, ResponseWriter& writer);

  Script script_;
  FakeLlmOptions options_;
  std::unique_ptr<Renderer> openai_;
  std::unique_ptr<Renderer> anthropic_;
  std::unique_ptr<Renderer> responses_;
  mutable std::mutex mu_;
  std::vector<int> fault_uses_;  // per turn
  std::vector<bool> consumed_;   // per turn without `when`
  std::vector<RecordedRequest> requests_;
  std::size_t request_count_ = 0;
  Accountant accountant_;
  TokenTotals totals_;
  std::vector<RequestCount> counts_;
  ReasoningLedger ledger_;  // the Responses route's function calls and their reasoning items
  std::unique_ptr<SocketServer> server_;  // last: stopped and destroyed first
};

}  // namespace agentry::fakellm
