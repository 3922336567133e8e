#pragma once
/// ModelResolver over the configured providers. Each binding gets its own Provider instance:
/// an HTTP provider owns one connection, and parallel subagents must not share it; within a
/// session the connection is reused across turns.
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
};

}  // namespace agentry::engine
