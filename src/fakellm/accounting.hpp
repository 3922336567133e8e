#pragma once
/// What the fake server enforces and accounts per request, as the real services document it:
/// the context window (with each service's exact error), Anthropic's prompt cache (explicit
/// cache_control breakpoints, prefix hashes, the 20-block lookback, the 1,024-token minimum)
/// and OpenAI's automatic prefix caching (1,024 tokens, then 128-token steps, per
/// prompt_cache_key). Pure bookkeeping: the server owns the lock and the wire.
///
/// Anthropic, per request: the breakpoints are the blocks carrying cache_control (prompt.hpp).
/// For each, the block boundary itself and up to cache_lookback_blocks boundaries before it are
/// looked up among the entries; the longest found is read (cache_read_input_tokens). The
/// prefixes of all breakpoints at least cache_min_tokens long become entries; the tokens from
/// the read prefix up to the last of them are written (cache_creation_input_tokens) and the
/// rest is input_tokens. No breakpoint, or none long enough: all of it is input.
/// OpenAI, per request: every prefix of cache_min_tokens + k * prefix_cache_step tokens becomes
/// an entry; the longest such prefix an earlier request left is read (cached_tokens).
/// Entries are per model (and prompt_cache_key); with cache_ttl_ms they expire that long after
/// their last write or read. Refused requests and HTTP-error faults neither read nor write.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fakellm/prompt.hpp"
#include "fakellm/script.hpp"

namespace agentry::fakellm {

enum class Protocol { kOpenAi, kAnthropic };

/// The server's own count for one request.
struct RequestTokens {
  std::int64_t prompt = 0;       ///< every input token of the request
  std::int64_t input = 0;        ///< the uncached rest (Anthropic's input_tokens)
  std::int64_t cache_read = 0;   ///< read from the cache
  std::int64_t cache_write = 0;  ///< written to the cache (Anthropic only)
  std::int64_t output = 0;       ///< output tokens reported in the answer
};

/// A request the service refuses before it reaches a model.
struct Refusal {
  int status = 400;
  std::string message;  ///< the error's message, as in the body
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

/// What the service says about itself, or none when `method` and `path` ask for something
/// else: GET /v1/models (OpenAI's list; the vllm flavour adds max_model_len = the window),
/// GET /props (llamacpp flavour: default_generation_settings.n_ctx = the window) and POST
/// /v1/messages/count_tokens (Anthropic: {"input_tokens": N}, never refused).
std::optional<std::string> service_info(const ServerSettings& settings, std::string_view method,
                                        std::string_view path, std::string_view body);

class Accountant {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Accountant(ServerSettings settings) : settings_(std::move(settings)) {}

  const ServerSettings& settings() const { return settings_; }

  /// The refusal a real service gives `body` (its prompt `prompt`), or none when it fits:
  /// over the window, max_tokens over max_output, prompt + max_tokens over the window (with
  /// max_output set), more cache_control blocks than allowed (Anthropic).
  std::optional<Refusal> check(Protocol protocol, const Prompt& prompt, const nlohmann::json& body,
                               int request_number) const;

  /// Accounts a request the model answers: what it read from the caches and what it wrote to
  /// them (the cache state changes; the caller serialises calls).
  RequestTokens serve(Protocol protocol, const Prompt& prompt, const nlohmann::json& body,
                      Clock::time_point now = Clock::now());

 private:
  RequestTokens serve_anthropic(const Prompt& prompt, std::uint64_t key, Clock::time_point now);
  RequestTokens serve_openai(const Prompt& prompt, std::uint64_t key, Clock::time_point now);
  bool cached(std::uint64_t entry, Clock::time_point now);

  ServerSettings settings_;
  /// Cache entries (a prefix hash seeded with the model and cache key) -> last write or read.
  std::unordered_map<std::uint64_t, Clock::time_point> entries_;
};

}  // namespace agentry::fakellm
