#include "llm/model_selection.hpp"

#include <fmt/format.h>

namespace agentry::llm {

namespace {

/// The built-in alias table. Anthropic's are its current model families; for OpenAI-compatible
/// servers the same three tiers map to OpenAI's largest, middle and smallest general models.
std::string builtin_alias(ProviderKind kind, std::string_view alias) {
  if (kind == ProviderKind::kAnthropic) {
    if (alias == "opus") return "claude-opus-4-1";
    if (alias == "sonnet") return "claude-sonnet-4-5";
    if (alias == "haiku") return "claude-haiku-4-5";
  } else {
    if (alias == "opus") return "gpt-5";
    if (alias == "sonnet") return "gpt-5-mini";
    if (alias == "haiku") return "gpt-5-nano";
  }
  return {};
}

Result<const ProviderConfig*> default_provider(const LlmConfig& config) {
  if (config.providers.empty()) {
    return fail(ErrorCode::kConfig, "no model provider is configured", "",
                "set OPENAI_API_KEY (and OPENAI_BASE_URL for a local server) or ANTHROPIC_API_KEY, "
                "or add `providers:` to ~/.config/agentry/config.yaml");
  }
  if (const ProviderConfig* p = config.find(config.default_provider)) return p;
  return fail(ErrorCode::kConfig, "several providers are configured and none is the default", "",
              "set `default_provider:` in the config or pass --model PROVIDER/MODEL");
}

}  // namespace

std::string resolve_alias(const ProviderConfig& provider, std::string_view model) {
  if (auto it = provider.aliases.find(std::string(model)); it != provider.aliases.end()) {
    return it->second;
  }
  std::string builtin = builtin_alias(provider.kind, model);
  return builtin.empty() ? std::string(model) : builtin;
}

std::map<std::string, std::string> provider_aliases(const ProviderConfig& provider) {
  std::map<std::string, std::string> out;
  for (const char* alias : {"opus", "sonnet", "haiku"})
    out[alias] = builtin_alias(provider.kind, alias);
  for (const auto& [alias, model] : provider.aliases)
    out[alias] = model;
  return out;
}

Result<ModelSelection> select_model(const LlmConfig& config, std::string_view spec,
                                    const ModelSelection* parent) {
  if (spec.empty() || spec == "inherit") {
    if (parent != nullptr) return *parent;
    auto p = default_provider(config);
    if (!p) return tl::make_unexpected(p.error());
    return ModelSelection{(*p)->name, (*p)->model};
  }
  if (const ProviderConfig* named = config.find(spec))
    return ModelSelection{named->name, named->model};
  if (auto slash = spec.find('/'); slash != std::string_view::npos) {
    if (const ProviderConfig* p = config.find(spec.substr(0, slash))) {
      std::string_view model = spec.substr(slash + 1);
      if (model.empty()) return ModelSelection{p->name, p->model};
      return ModelSelection{p->name, resolve_alias(*p, model)};
    }
  }
  auto p = default_provider(config);
  if (!p) {
    Error e = p.error();
    e.message = fmt::format("cannot place model '{}': {}", spec, e.message);
    return tl::make_unexpected(std::move(e));
  }
  return ModelSelection{(*p)->name, resolve_alias(**p, spec)};
}

}  // namespace agentry::llm
