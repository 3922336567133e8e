#include "llm/provider_factory.hpp"

#include <fmt/format.h>

#include "llm/anthropic_wire.hpp"
#include "llm/http_provider.hpp"
#include "llm/openai_wire.hpp"
#include "llm/proxy_settings.hpp"
#include "llm/responses_wire.hpp"

namespace agentry::llm {

namespace {

bool is_openai_itself(const ProviderConfig& config) {
  return url_host(config.base_url) == "api.openai.com";
}

}  // namespace

bool sends_prompt_cache_key(const ProviderConfig& config) {
  return config.cache && config.prompt_cache_key.value_or(is_openai_itself(config));
}

Result<std::unique_ptr<Provider>> make_provider(const ProviderConfig& config,
                                                const Environment& env,
                                                const ProviderServices& services) {
  std::string key;
  if (!config.api_key_env.empty()) {
    key = env.get_or(config.api_key_env, "");
    if (key.empty()) {
      return fail(ErrorCode::kConfig,
                  fmt::format("provider '{}' reads its API key from ${}, which is not set",
                              config.name, config.api_key_env),
                  config.source,
                  fmt::format("export {}=… or change api_key_env", config.api_key_env));
    }
  }
  const bool openai_itself = is_openai_itself(config);
  std::unique_ptr<WireFormat> wire;
  if (config.kind == ProviderKind::kAnthropic) {
    AnthropicOptions o;
    o.base_url = config.base_url;
    o.api_key = std::move(key);
    o.extra_headers = config.headers;
    if (config.max_tokens) o.default_max_tokens = *config.max_tokens;
    o.cache = config.cache;
    o.reasoning = config.reasoning;
    o.log = services.log;
    wire = std::make_unique<AnthropicWire>(std::move(o));
  } else if (config.kind == ProviderKind::kOpenAiResponses) {
    ResponsesOptions o;
    o.base_url = config.base_url;
    o.api_key = std::move(key);
    o.extra_headers = config.headers;
    o.default_max_tokens = config.max_tokens;
    o.send_cache_key = sends_prompt_cache_key(config);
    o.log = services.log;
    o.reasoning = config.reasoning;
    wire = std::make_unique<ResponsesWire>(std::move(o));
  } else {
    OpenAiOptions o;
    o.base_url = config.base_url;
    o.api_key = std::move(key);
    o.extra_headers = config.headers;
    o.default_max_tokens = config.max_tokens;
    // OpenAI's own API wants max_completion_tokens (its reasoning models reject max_tokens);
    // compatible servers mostly read only max_tokens.
    o.max_tokens_field = !config.max_tokens_field.empty() ? config.max_tokens_field
                         : openai_itself                  ? "max_completion_tokens"
                                                          : "max_tokens";
    o.send_cache_key = sends_prompt_cache_key(config);
    o.reasoning = config.reasoning;
    o.reasoning_style = config.reasoning_style;
    o.log = services.log;
    wire = std::make_unique<OpenAiWire>(std::move(o));
  }
  HttpClientOptions http_options;
  http_options.timeouts = config.timeouts;
  http_options.proxy = ProxyEnvironment::from(env);
  auto http = std::make_unique<HttpClient>(services.curl, std::move(http_options), services.log);
  WindowOptions windows;
  windows.settings = config.context;
  // Only OpenAI-compatible servers other than OpenAI's own report windows (server_window.hpp).
  if (config.kind == ProviderKind::kOpenAi && !openai_itself)
    windows.probe_base_url = config.base_url;
  return std::make_unique<HttpProvider>(config.name, std::move(wire), std::move(http), config.retry,
                                        services.retry, services.log, config.limits,
                                        std::move(windows));
}

}  // namespace agentry::llm
