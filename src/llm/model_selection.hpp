#pragma once
/// Turning what a user or an agent file writes (`--model provider/model`, `model: sonnet`) into a
/// concrete provider and model id.
///
/// Forms: "" or "inherit" (the parent's choice, else the default provider's model);
/// "PROVIDER" (that provider's default model); "PROVIDER/MODEL"; "MODEL" (on the default
/// provider). Only a prefix that names a configured provider is split off, so OpenRouter ids such
/// as "meta-llama/llama-3.1-70b" stay whole. MODEL may be an alias — sonnet, opus, haiku — which
/// resolves per provider kind (a provider's `aliases:` override the built-in table).
#include <map>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "llm/provider_config.hpp"

namespace agentry::llm {

struct ModelSelection {
  std::string provider;  ///< a configured provider's name
  std::string model;     ///< the concrete model id sent to it
  bool operator==(const ModelSelection&) const = default;
};

/// The concrete id for `model` on `provider`: its alias target, or `model` unchanged.
std::string resolve_alias(const ProviderConfig& provider, std::string_view model);

/// Every alias usable on `provider`: the built-in sonnet/opus/haiku for its kind, overridden and
/// extended by its configured `aliases:`.
std::map<std::string, std::string> provider_aliases(const ProviderConfig& provider);

/// Resolves `spec`; `parent` is what "inherit" (and "") means when given.
[[nodiscard]] Result<ModelSelection> select_model(const LlmConfig& config, std::string_view spec,
                                                  const ModelSelection* parent = nullptr);

}  // namespace agentry::llm
