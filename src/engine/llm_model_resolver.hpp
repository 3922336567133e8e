#pragma once
/// ModelResolver over the configured providers. One Provider per configured provider, made on
/// first use by the factory app hands in, and shared by every session: an HTTP provider keeps a
/// pool of connections, so parallel subagents each get their own while consecutive turns reuse one.
#include <map>
#include <mutex>

#include "engine/ports.hpp"
#include "llm/provider_config.hpp"

namespace agentry::engine {

class LlmModelResolver final : public ModelResolver {
 public:
  LlmModelResolver(llm::LlmConfig config, ProviderFactory make_provider)
      : config_(std::move(config)), make_provider_(std::move(make_provider)) {}

  Result<ModelBinding> resolve(const std::string& spec, const ModelBinding* inherited) override;
  const llm::LlmConfig& config() const { return config_; }

 private:
  llm::LlmConfig config_;
  ProviderFactory make_provider_;
  std::mutex mutex_;  // guards providers_: subagents resolve from parallel threads
  std::map<std::string, std::shared_ptr<llm::Provider>> providers_;
};

}  // namespace agentry::engine
