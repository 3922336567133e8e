#pragma once
/// The one interface between the engine and a language model.
///
/// src/llm owns everything about talking to model servers: the wire formats (OpenAI-compatible
/// chat completions, Anthropic Messages), SSE framing, HTTP through libcurl, retries and
/// timeouts. It knows nothing of agents, tools' behaviour or front-ends.
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <variant>
#include <vector>

#include "core/error.hpp"
#include "core/message.hpp"
#include "llm/context_window.hpp"

namespace agentry::llm {

/// A request for reasoning: Claude Code's effort levels, or an explicit thinking budget.
struct Reasoning {
  std::string effort;                ///< "low" | "medium" | "high" | "xhigh" | "max"; may be empty
  std::optional<int> budget_tokens;  ///< Anthropic `thinking.budget_tokens`, when given explicitly
  bool operator==(const Reasoning&) const = default;
};

struct CompletionRequest {
  std::string model;                  ///< the provider's model id (no "provider/" prefix)
  std::string system;                 ///< system prompt; may be empty
  std::vector<Message> messages;      ///< conversation so far
  std::vector<ToolSchema> tools;      ///< tools the model may call
  std::optional<double> temperature;  ///< unset: the server's default
  std::optional<double> top_p;        ///< nucleus sampling (0–1); unset: the server's default
  std::optional<int> max_tokens;      ///< unset: the provider's default
  bool stream = true;                 ///< stream the answer (events arrive as they come)
  /// A stable id of the conversation (the engine sets the session id). Sent as OpenAI's
  /// `prompt_cache_key` where the provider allows it (api.openai.com, or `prompt_cache_key: true`
  /// in its config), so requests of one session reach the same prompt cache; ignored elsewhere.
  std::string cache_key;
  /// How hard the model should think (issue 19); unset: no reasoning is asked for.
  std::optional<Reasoning> reasoning;
};

/// Streamed events, delivered in order while a completion runs.
struct TextDelta {
  std::string text;
};
struct ToolCallReady {  ///< a tool call whose arguments are complete
  ToolCall call;
};
struct UsageReport {
  Usage usage;
};
struct ThinkingDelta {  ///< reasoning text as it streams (shown, never the answer)
  std::string text;
};
using StreamEvent = std::variant<TextDelta, ToolCallReady, UsageReport, ThinkingDelta>;
using StreamSink = std::function<void(const StreamEvent&)>;

enum class FinishReason { kStop, kToolCalls, kLength, kContentFilter, kError, kUnknown };
const char* to_string(FinishReason reason);

struct Completion {
  Message message;  ///< the assistant message: text and tool calls
  Usage usage;
  FinishReason finish = FinishReason::kUnknown;
  std::string model;  ///< the model the server says answered
  /// Null unless the server paused the turn before its end (Anthropic `pause_turn`, while a
  /// server-side tool runs long): then the assistant content blocks exactly as received, which
  /// must be sent back so the server continues. HttpProvider does that; its callers never see a
  /// paused completion.
  nlohmann::json paused_content;
};

class Provider {
 public:
  /// `settings` and `probe`: how this provider knows its models' context windows (see
  /// ContextWindows). The defaults know the built-in table and what lower_context_window()
  /// remembers, which suits fakes in tests; a fake can pass `ContextSettings{.window = 32000}`.
  explicit Provider(ContextSettings settings = {}, ServerWindowProbe probe = {})
      : windows_(std::move(settings), std::move(probe)) {}
  virtual ~Provider() = default;
  Provider(const Provider&) = delete;
  Provider& operator=(const Provider&) = delete;
  /// Runs one model call. Calls `sink` for each event as it streams (never after returning).
  /// Returns the whole completion, or an error naming provider, URL, status and server message.
  /// A stop request aborts the transfer and returns ErrorCode::kCancelled.
  [[nodiscard]] virtual Result<Completion> complete(const CompletionRequest& request,
                                                    const StreamSink& sink,
                                                    std::stop_token stop) = 0;
  /// The configured name of this provider (e.g. "openai", "local").
  virtual const std::string& name() const = 0;

  /// The context window and output budget of `model` on this provider (context_window.hpp: a
  /// lowered window, else the config, the built-in table, the server, the default). No I/O unless
  /// only an OpenAI-compatible server can tell: then one short request, the first time per model.
  /// Thread-safe. Fails only with kCancelled.
  [[nodiscard]] Result<ContextLimits> context_limits(std::string_view model, std::stop_token stop) {
    return windows_.limits(model, stop);
  }
  /// After the provider refused a request as too long (ErrorCode::kContextOverflow): remembers
  /// that `model` accepts at most `window` tokens — Error::overflow.limit when the server stated
  /// it, else the engine's own smaller guess — if that is below what is known. Later
  /// context_limits() answers say so (WindowSource::kLowered). Returns the limits now in force.
  ContextLimits lower_context_window(std::string_view model, int window) {
    return windows_.lower(model, window);
  }

 private:
  ContextWindows windows_;
};

}  // namespace agentry::llm
