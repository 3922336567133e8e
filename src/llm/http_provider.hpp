#pragma once
/// The Provider both HTTP APIs share: it owns the HTTP client (one per provider, so connections
/// are kept alive across turns), runs the retry policy, feeds streamed bytes through the SSE
/// parser into the wire format's decoder, and makes every error name the provider, the URL, the
/// status and the server's own message.
///
/// Streaming failures: a call is retried transparently only while nothing has reached the sink
/// (which covers a stream that breaks before its first byte). Once text has been delivered, a
/// broken stream, an in-stream error event or a malformed chunk ends the call with an error,
/// retryable when trying again may help. The text received before the break is not lost: it
/// already went to the sink as TextDelta events, in order, and the error message says how much
/// arrived; half-built tool calls are dropped. Non-streamed calls deliver the same events through
/// the sink once the whole answer has arrived.
///
/// Bounds (ResponseLimits): a response is read up to max_response_bytes of body and holds at most
/// max_output_bytes of text and tool-call arguments; past either the transfer is dropped and the
/// call fails with kLimit (not retried: a server that streams without end would do it again).
/// With the timeouts (HttpTimeouts::total) they bound a model that streams forever in bytes,
/// memory and time.
///
/// Paused turns: when the server pauses a turn (Anthropic `pause_turn`: a server-side tool such
/// as web search ran long), the call is continued here, not by the engine, because only the wire
/// format can send the paused content back as it came (server_tool_use and result blocks, unknown
/// blocks verbatim; core Message has no place for them), and to the engine it is one model call.
/// Each continuation is its own request with its own retries; the completion returned joins the
/// text and tool calls of all and sums their usage. At most kMaxContinuations, then an error.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "core/secret_redactor.hpp"
#include "llm/http_client.hpp"
#include "llm/provider.hpp"
#include "llm/retry.hpp"
#include "llm/wire_format.hpp"

namespace agentry::llm {

/// Bounds on one model response (README "Limits"); config keys of the same names per provider.
struct ResponseLimits {
  /// Body bytes of one response, SSE framing and keep-alive comments included. A long answer of
  /// 128k tokens streamed by an OpenAI-compatible server is about 30 MB.
  std::uint64_t max_response_bytes = 64ULL << 20;
  /// Text plus tool-call arguments one response may hold (a 128k-token answer is about 0.5 MB).
  std::uint64_t max_output_bytes = 8ULL << 20;
};

/// How an HttpProvider learns its models' context windows (context_window.hpp).
struct WindowOptions {
  ContextSettings settings;
  /// The OpenAI-compatible base URL to ask for a window no config or table knows
  /// (server_window.hpp); "" = never ask.
  std::string probe_base_url;
};

class HttpProvider final : public Provider {
 public:
  HttpProvider(std::string name, std::unique_ptr<WireFormat> wire, std::unique_ptr<HttpClient> http,
               RetryPolicy policy, RetryServices services, std::shared_ptr<spdlog::logger> log,
               ResponseLimits limits = {}, WindowOptions windows = {});

  [[nodiscard]] Result<Completion> complete(const CompletionRequest& request,
                                            const StreamSink& sink, std::stop_token stop) override;
  const std::string& name() const override { return name_; }

  /// Continuations of one paused turn before the call fails.
  static constexpr int kMaxContinuations = 5;

 private:
  struct Attempt;
  Attempt attempt_once(const HttpRequest& http_request, bool stream, const StreamSink& sink,
                       std::stop_token stop);
  /// One request body sent (retried per the policy) until it yields a completion or an error.
  using Headers = std::vector<std::pair<std::string, std::string>>;
  [[nodiscard]] Result<Completion> exchange(std::string body, const Headers& headers, bool stream,
                                            const StreamSink& sink, std::stop_token stop);
  Error decorate(Error error, const std::string& url) const;
  Error limit_error(std::string_view what, std::uint64_t limit, std::string_view key,
                    std::size_t text, std::size_t arguments) const;
  /// `error` without the provider's credentials, wherever the server's words put them.
  Error without_secrets(Error error) const;

  std::optional<ServerWindow> probe_window(std::string_view model, std::stop_token stop);

  std::string name_;
  std::string probe_base_url_;
  std::unique_ptr<WireFormat> wire_;
  std::unique_ptr<HttpClient> http_;
  RetryPolicy policy_;
  RetryServices services_;
  std::shared_ptr<spdlog::logger> log_;
  ResponseLimits limits_;
  SecretRedactor secrets_;  ///< the credentials the wire format sends, in every form
};

/// Delivers a whole completion through `sink` as a stream would have: its text, each tool call,
/// then the usage. Used for non-streamed answers.
void emit_completion(const Completion& completion, const StreamSink& sink);

}  // namespace agentry::llm
