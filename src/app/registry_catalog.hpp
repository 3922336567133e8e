#pragma once
/// The engine's AgentCatalog over the agents registry, and loading it for a command: every
/// front-end that runs or routes agents sees the same search path and the same enabled agents.
#include <memory>
#include <string>
#include <vector>

#include "agents/registry.hpp"
#include "app/app_context.hpp"
#include "engine/ports.hpp"

namespace agentry::app {

/// AgentCatalog over a loaded registry; disabled agents are left out of all().
class RegistryCatalog final : public engine::AgentCatalog {
 public:
  explicit RegistryCatalog(agents::Registry registry) : registry_(std::move(registry)) {}
  const agents::AgentDefinition* find(const std::string& name) const override;
  std::vector<const agents::AgentDefinition*> all() const override;
  const agents::Registry& registry() const { return registry_; }

 private:
  agents::Registry registry_;
};

/// Loads the registry from ctx's search path (built-in, user, project, --agents-dir); agent
/// files with errors are logged as warnings and left out, never fatal. An untrusted project's
/// agents may not raise their steps above `max_steps` (the settings').
std::unique_ptr<RegistryCatalog> load_registry_catalog(const AppContext& ctx, int max_steps);

}  // namespace agentry::app
