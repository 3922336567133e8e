#include "cli/registry_catalog.hpp"

namespace agentry::cli {

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

std::unique_ptr<RegistryCatalog> load_registry_catalog(const AppContext& ctx) {
  auto registry = agents::Registry::load(
      agents::agent_search_path(ctx.env, ctx.data_dir, ctx.cwd, ctx.agent_dirs));
  for (const auto& d : registry.diagnostics()) {
    if (d.severity == agents::Severity::kError)
      ctx.log->warn("{}:{}:{}: {}", d.file.string(), d.line, d.column, d.message);
  }
  return std::make_unique<RegistryCatalog>(std::move(registry));
}

}  // namespace agentry::cli
