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

/// An OpenAI-compatible or Anthropic provider for `config`. Fails (kConfig) when the config names
/// an api_key_env variable that is unset or empty.
[[nodiscard]] Result<std::unique_ptr<Provider>> make_provider(const ProviderConfig& config,
                                                              const Environment& env,
                                                              const ProviderServices& services);

}  // namespace agentry::llm
