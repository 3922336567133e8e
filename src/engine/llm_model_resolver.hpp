#pragma once
/// ModelResolver over the configured providers. One Provider per configured provider, made on
/// first use and shared by every session: an HTTP provider keeps a pool of connections, so
/// parallel subagents each get their own while consecutive turns reuse one.
#include <map>
#include <mutex>

#include "engine/ports.hpp"
#include "llm/provider_config.hpp"
#include "llm/provider_factory.hpp"

namespace agentry::engine {

class LlmModelResolver final : public ModelResolver {
 public:
  LlmModelResolver(llm::LlmConfig config, Environment env, llm::ProviderServices services)
      : config_(std::move(config)), env_(std::move(env)), services_(std::move(services)) {}

  Result<ModelBinding> resolve(const std::string& spec, const ModelBinding* inherited) override;
  const llm::LlmConfig& config() const { return config_; }

 private:
  llm::LlmConfig config_;
  Environment env_;
  llm::ProviderServices services_;
  std::mutex mutex_;  // guards providers_: subagents resolve from parallel threads
  std::map<std::string, std::shared_ptr<llm::Provider>> providers_;
};

}  // namespace agentry::engine
