#pragma once
/// Making a Provider from its configuration: the one place that reads an API key (from the
/// Environment snapshot, by the variable name the config gives) and hands it to the wire format.
/// The key goes only into request headers; it is never logged or put in an error.
#include <memory>

#include <spdlog/logger.h>

#include "core/environment.hpp"
#include "core/error.hpp"
#include "llm/curl_global.hpp"
#include "llm/provider.hpp"
#include "llm/provider_config.hpp"
#include "llm/retry.hpp"

namespace agentry::llm {

/// What every provider is built with, owned by the composition root.
struct ProviderServices {
  CurlGlobal& curl;
  std::shared_ptr<spdlog::logger> log;  ///< may be null: no logging
  RetryServices retry = RetryServices::system();
};

/// Whether requests to `config`'s server carry OpenAI's `prompt_cache_key`: never with `cache:
/// off`; else as `prompt_cache_key:` in the config says, by default only to api.openai.com (another
/// server may reject a field it does not know).
bool sends_prompt_cache_key(const ProviderConfig& config);

/// An OpenAI-compatible or Anthropic provider for `config`. Fails (kConfig) when the config names
/// an api_key_env variable that is unset or empty.
[[nodiscard]] Result<std::unique_ptr<Provider>> make_provider(const ProviderConfig& config,
                                                              const Environment& env,
                                                              const ProviderServices& services);

}  // namespace agentry::llm
