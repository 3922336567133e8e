#include "tools/tool_registry.hpp"

#include <algorithm>

#include "tools/executors.hpp"
#include "tools/tool_spec_loader.hpp"

namespace agentry::tools {

Result<ToolRegistry> ToolRegistry::load(const std::filesystem::path& dir, ToolServices services) {
  auto specs = load_tool_specs(dir);
  if (!specs) return tl::make_unexpected(specs.error());
  return from_specs(std::move(*specs), std::move(services));
}

Result<ToolRegistry> ToolRegistry::from_specs(std::vector<ToolSpec> specs, ToolServices services) {
  ToolRegistry registry;
  if (services.redactor) registry.redactor_ = services.redactor;
  registry.log_ = services.log;
  auto shared = std::make_shared<const ToolServices>(std::move(services));
  for (auto& spec : specs) {
    auto tool = make_executor(std::move(spec), shared);
    if (!tool) return tl::make_unexpected(tool.error());
    registry.tools_.push_back(std::move(*tool));
  }
  std::sort(registry.tools_.begin(), registry.tools_.end(), [](const auto& a, const auto& b) {
    return a->spec().schema.name < b->spec().schema.name;
  });
  return registry;
}

Tool* ToolRegistry::find(std::string_view name) const {
  auto it = std::find_if(tools_.begin(), tools_.end(),
                         [&](const auto& t) { return t->spec().schema.name == name; });
  return it == tools_.end() ? nullptr : it->get();
}

std::vector<ToolSchema> ToolRegistry::schemas() const {
  std::vector<ToolSchema> out;
  for (const auto& t : tools_)
    out.push_back(t->spec().schema);
  return out;
}

}  // namespace agentry::tools
