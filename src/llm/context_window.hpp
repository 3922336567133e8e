#pragma once
/// How many tokens a model accepts: its context window and the output budget agentry reserves
/// for its answer, per provider and model.
///
/// Where a window comes from, first answer wins:
///   1. the config: `providers.NAME.context_window` (an integer for all the provider's models, or
///      a mapping model id → integer);
///   2. the built-in table of well-known families (kBuiltInWindows in context_window.cpp: Claude,
///      GPT-4o/4.1/5, the o-series, Gemini, DeepSeek, Qwen, Llama), matched on the model id;
///   3. what an OpenAI-compatible server reports (vLLM's `max_model_len` in `GET /v1/models`,
///      llama.cpp's `GET /props` → `default_generation_settings.n_ctx`), asked once, lazily, the
///      first time the window of that model is needed — never at start-up;
///   4. the conservative default kDefaultWindow / kDefaultOutputBudget.
/// After a provider's context error the engine lowers the remembered window (ContextWindows::
/// lower); that answer then wins over all four for the rest of the process.
///
/// The output budget is `providers.NAME.max_tokens` when set, else the family's published maximum
/// output capped at kMaxOutputBudget; in every case at most a quarter of the window (half when
/// max_tokens asks for more), so a small window keeps room for the prompt. The engine should send
/// it as the request's max_tokens and keep every prompt under window − output_budget − margin.
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace agentry::llm {

/// Where a ContextLimits answer came from.
enum class WindowSource {
  kConfig,   ///< providers.NAME.context_window
  kTable,    ///< the built-in table of model families
  kServer,   ///< the server reported it (/v1/models max_model_len, /props n_ctx)
  kDefault,  ///< nothing knew: kDefaultWindow
  kLowered,  ///< lowered after the provider refused a request as too long
};
/// "config", "table", "server", "default", "lowered".
const char* to_string(WindowSource source);

struct ContextLimits {
  int window = 0;         ///< tokens of prompt plus answer the model accepts
  int output_budget = 0;  ///< tokens reserved for the answer (the max_tokens to send)
  WindowSource from = WindowSource::kDefault;
  std::string source;  ///< human-readable: "config (file:line:col)", "built-in table (gpt-4.1)", …
  bool operator==(const ContextLimits&) const = default;
};

/// Used when nothing else knows the window (README "A model").
inline constexpr int kDefaultWindow = 32'768;
inline constexpr int kDefaultOutputBudget = 4'096;
/// The largest output budget taken from the table (families publish up to 128k of output; an
/// agent's turn needs far less, and every reserved token is one the prompt cannot use).
inline constexpr int kMaxOutputBudget = 16'384;

/// One row of the built-in table: the published window and maximum output of a family.
struct FamilyWindow {
  std::string_view key;  ///< matched against the normalised model id (see family_window)
  bool prefix_only;      ///< the id must start with key (short keys such as "o1")
  int window;
  int max_output;
};

/// The model id as the table matches it: lower case, any provider or path prefix removed (up to
/// the last '/': "anthropic/", "meta-llama/", "openrouter/…/"), a Bedrock-style "anthropic."
/// prefix removed, and '.' and '_' turned into '-' ("claude-3.5-sonnet" → "claude-3-5-sonnet",
/// "llama3.1:8b" → "llama3-1:8b").
std::string normalised_model_id(std::string_view model);

/// The table row for `model`: of the rows whose key the normalised id contains (or starts with,
/// for prefix_only rows), the one with the longest key; nullopt when none matches.
std::optional<FamilyWindow> family_window(std::string_view model);

/// What the config says about windows, per provider (ProviderConfig::context).
struct ContextSettings {
  std::optional<int> window;             ///< `context_window: 131072`: every model
  std::map<std::string, int> per_model;  ///< `context_window: {model: 131072}`
  std::optional<int> max_tokens;         ///< `max_tokens`: the output budget
  std::string source;                    ///< file:line:col of context_window ("" when unset)
};

/// The limits of `model` from the config, then the table, then the default — no I/O. A server
/// may know better (ContextWindows::limits asks it when this gives kDefault).
ContextLimits static_context_limits(const ContextSettings& settings, std::string_view model);

/// What a server reported (see server_window.hpp).
struct ServerWindow {
  int window = 0;
  std::string source;  ///< e.g. "GET /v1/models max_model_len"
};

/// Asks the server for `model`'s window; nullopt when it does not say (or cannot be reached).
using ServerWindowProbe =
    std::function<std::optional<ServerWindow>(std::string_view model, std::stop_token stop)>;

/// One provider's knowledge of its models' windows: the static answer, the server's answer
/// (probed at most once per model, even when it fails), and windows lowered after context errors.
/// Thread-safe: parallel subagents share one provider.
class ContextWindows {
 public:
  explicit ContextWindows(ContextSettings settings = {}, ServerWindowProbe probe = {});

  /// The limits of `model`. Asks the server (once per model) only when neither a lowered window,
  /// the config nor the table knows it and a probe was given; a probe that fails falls through to
  /// the default quietly. Fails only with kCancelled, when `stop` was requested during the probe
  /// (nothing is remembered then).
  [[nodiscard]] Result<ContextLimits> limits(std::string_view model, std::stop_token stop);

  /// Remembers that `model` accepts at most `window` tokens (e.g. the limit a context error
  /// stated), when that is below what is known now; the output budget shrinks with it if it
  /// would exceed a quarter of the new window. Returns the limits in force afterwards.
  ContextLimits lower(std::string_view model, int window, std::stop_token stop = {});

 private:
  ContextSettings settings_;
  ServerWindowProbe probe_;
  std::mutex probe_mu_;  ///< one probe at a time; others wait for its answer
  std::mutex mu_;        ///< guards remembered_
  std::map<std::string, ContextLimits, std::less<>> remembered_;  ///< probed or lowered
};

}  // namespace agentry::llm
