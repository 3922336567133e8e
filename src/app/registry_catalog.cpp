#include "app/registry_catalog.hpp"

#include <algorithm>

#include "app/project_trust.hpp"

namespace agentry::app {

const agents::AgentDefinition* RegistryCatalog::find(const std::string& name) const {
  return registry_.find(name);
}

std::vector<const agents::AgentDefinition*> RegistryCatalog::all() const {
  std::vector<const agents::AgentDefinition*> out;
  for (const auto& a : registry_.agents()) {
    if (!a.disabled) out.push_back(&a);
  }
  return out;
}

std::unique_ptr<RegistryCatalog> load_registry_catalog(const AppContext& ctx, int max_steps) {
  auto registry = agents::Registry::load(
      agents::agent_search_path(ctx.env, ctx.data_dir, ctx.cwd, ctx.agent_dirs));
  for (const auto& d : registry.diagnostics()) {
    if (d.severity == agents::Severity::kError)
      ctx.log->warn("{}:{}:{}: {}", d.file.string(), d.line, d.column, d.message);
  }
  const auto& loaded = registry.agents();
  if (!ctx.project_trusted && std::any_of(loaded.begin(), loaded.end(),
                                          [](const auto& a) { return a.scope == "project"; })) {
    // The winners only, rebuilt without their load notes (logged above).
    agents::LoadResult restricted{loaded, {}};
    for (const auto& warning :
         restrict_untrusted_agents(restricted.agents, max_steps, ctx.trust_advice))
      ctx.log->warn("{}", warning);
    registry = agents::Registry::from_loaded(std::move(restricted));
  }
  return std::make_unique<RegistryCatalog>(std::move(registry));
}

}  // namespace agentry::app
