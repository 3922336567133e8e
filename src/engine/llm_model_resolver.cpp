#include "engine/llm_model_resolver.hpp"

#include "llm/model_selection.hpp"

namespace agentry::engine {

Result<ModelBinding> LlmModelResolver::resolve(const std::string& spec,
                                               const ModelBinding* inherited) {
  std::optional<llm::ModelSelection> parent;
  if (inherited != nullptr) {
    auto slash = inherited->label.find('/');
    parent = llm::ModelSelection{inherited->label.substr(0, slash), inherited->model};
  }
  auto selection = llm::select_model(config_, spec, parent ? &*parent : nullptr);
  if (!selection) return tl::make_unexpected(selection.error());
  const auto* provider_config = config_.find(selection->provider);
  if (provider_config == nullptr) {
    return fail(ErrorCode::kConfig, "unknown provider '" + selection->provider + "'", "--model",
                "run `agentry models` to see the configured providers");
  }
  ModelBinding binding;
  {
    std::lock_guard lock(mutex_);
    auto& shared = providers_[selection->provider];
    if (!shared) {
      auto provider = make_provider_(*provider_config);
      if (!provider) return tl::make_unexpected(provider.error());
      shared = std::move(*provider);
    }
    binding.provider = shared;
  }
  binding.model = selection->model;
  binding.label = selection->provider + "/" + selection->model;
  if (auto it = provider_config->prices.find(selection->model);
      it != provider_config->prices.end()) {
    binding.price =
        Price{it->second.input, it->second.output, it->second.cache_read, it->second.cache_write};
  }
  return binding;
}

}  // namespace agentry::engine
