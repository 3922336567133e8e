#pragma once
/// Which model servers agentry knows, read from the `providers` and `default_provider` sections
/// of the merged config, or — when the config names no providers — from the conventional
/// environment variables:
///
///   ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL (/ ANTHROPIC_MODEL)  -> provider "anthropic"
///   OPENAI_API_KEY / OPENAI_BASE_URL (/ OPENAI_MODEL)           -> provider "openai"
///
/// The OPENAI_* pair also gives provider "openai-responses" (the same server and key over OpenAI's
/// Responses API, responses_wire.hpp), never the default: `--model openai-responses/MODEL`.
/// Either variable of a pair is enough (a local server needs no key). When both pairs are set,
/// "anthropic" is the default: agent files use the sonnet/opus/haiku aliases, which name
/// Anthropic models natively; `--model openai/...` or `default_provider:` picks the other.
///
/// Config shape (every key but kind optional; unknown keys are errors, to catch typos):
///
///   default_provider: local
///   providers:
///     local:
///       kind: openai                 # openai | anthropic | openai-responses
///       base_url: http://127.0.0.1:11434/v1
///       model: qwen2.5-coder         # the default model
///       models: [llama3.1]           # more models to list
///       api_key_env: LOCAL_API_KEY   # the variable holding the key; none: no key is sent
///       headers: {HTTP-Referer: https://example.org}
///       timeouts: {connect_ms: 10000, low_speed_s: 120, total_s: 600}
///       max_response_bytes: 67108864 # body bytes of one response (default 64 MiB)
///       max_output_bytes: 8388608    # text + tool-call arguments of one response (8 MiB)
///       max_retries: 2
///       max_tokens: 4096             # when a request sets none (Anthropic requires one)
///       max_tokens_field: max_tokens # or max_completion_tokens (OpenAI reasoning models)
///       aliases: {sonnet: qwen2.5-coder}
///       prices: {qwen2.5-coder: {input: 0.1, output: 0.3, cache_read: 0, cache_write: 0}}
///       context_window: 131072       # or per model: {qwen2.5-coder: 32768, llama3.1: 131072}
///       cache: off                   # no prompt-caching hints (Anthropic cache_control,
///                                    # OpenAI prompt_cache_key); default on
///       prompt_cache_key: true       # send prompt_cache_key (default: only to api.openai.com)
///       effort: medium               # reasoning when the agent and run ask none (low | medium |
///                                    # high | xhigh | max), or per model: {o4-mini: high}
///       reasoning: auto              # OpenAI kind: effort (reasoning_effort) | openrouter |
///                                    # none; auto guesses from the host and model (reasoning.hpp)
///
/// A price that sets only input and output gets the cache rates of its kind: Anthropic
/// cache_read 0.1 × input and cache_write 1.25 × input (its published multipliers for 5-minute
/// cache writes); OpenAI cache_read 0.5 × input (the GPT-4o/4.1-era discount; GPT-5 gives 0.1 ×,
/// set cache_read for it) and cache_write = input (OpenAI bills no cache writes; it reports none).
///
/// context_window (context_window.hpp): the model's window in tokens; max_tokens doubles as the
/// output budget reserved for the answer.
/// A config provider gets no key unless it names api_key_env: a local or third-party server
/// never receives the user's OpenAI or Anthropic key by accident.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/config.hpp"
#include "core/environment.hpp"
#include "core/error.hpp"
#include "llm/context_window.hpp"
#include "llm/http_client.hpp"
#include "llm/http_provider.hpp"
#include "llm/reasoning.hpp"
#include "llm/retry.hpp"

namespace agentry::llm {

enum class ProviderKind { kOpenAi, kAnthropic, kOpenAiResponses };
const char* to_string(ProviderKind kind);

/// USD per million tokens.
struct ModelPrice {
  double input = 0;
  double output = 0;
  double cache_read = 0;
  double cache_write = 0;
};

struct ProviderConfig {
  std::string name;
  ProviderKind kind = ProviderKind::kOpenAi;
  std::string base_url;
  std::string model;                ///< the default model id
  std::vector<std::string> models;  ///< further model ids to list
  std::string api_key_env;          ///< "" = send no key
  std::vector<std::pair<std::string, std::string>> headers;
  HttpTimeouts timeouts;
  ResponseLimits limits;
  RetryPolicy retry;
  std::optional<int> max_tokens;
  std::string max_tokens_field;  ///< OpenAI kind: "max_tokens" or "max_completion_tokens"
  std::map<std::string, std::string> aliases;  ///< configured overrides of the built-in aliases
  std::map<std::string, ModelPrice> prices;
  ContextSettings context;               ///< context_window (and max_tokens as the output budget)
  bool cache = true;                     ///< `cache: off` turns prompt-caching hints off
  std::optional<bool> prompt_cache_key;  ///< unset: send it only to api.openai.com
  ReasoningDefaults reasoning;           ///< `effort:` (one level or per model)
  ReasoningStyle reasoning_style = ReasoningStyle::kAuto;  ///< `reasoning:` (OpenAI kind)
  std::string source;  ///< file:line:col of its config entry, or "environment (VAR, VAR)"
};

struct LlmConfig {
  std::vector<ProviderConfig> providers;  ///< sorted by name
  std::string default_provider;           ///< "" when none can be chosen
  std::string default_source;             ///< why that one is the default

  const ProviderConfig* find(std::string_view name) const;
};

/// The built-in defaults of a kind: base URL, default model.
std::string default_base_url(ProviderKind kind);
std::string default_model(ProviderKind kind);

/// Reads the providers from `config` and the environment. Errors name file:line:col.
[[nodiscard]] Result<LlmConfig> load_llm_config(const Config& config, const Environment& env);

}  // namespace agentry::llm
