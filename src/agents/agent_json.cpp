#include "agents/agent_json.hpp"

#include <algorithm>

#include "agents/tool_names.hpp"

namespace agentry::agents {

std::vector<std::string> effective_tools(const AgentDefinition& def) {
  if (def.tools) return *def.tools;
  std::vector<std::string> out;
  for (std::string_view tool : kAgentryTools) {
    bool disabled =
        std::any_of(def.disabled_tools.begin(), def.disabled_tools.end(),
                    [&](const std::string& p) { return tool_pattern_matches(p, tool); });
    if (!disabled) out.emplace_back(tool);
  }
  for (const auto& tool : def.enabled_tools) {
    if (std::find(out.begin(), out.end(), tool) == out.end()) out.push_back(tool);
  }
  return out;
}

nlohmann::ordered_json to_json(const AgentDefinition& def, bool full) {
  nlohmann::ordered_json out;
  out["name"] = def.name;
  out["description"] = def.description;
  out["mode"] = to_string(def.mode);
  out["model"] = def.model;
  out["tools"] = effective_tools(def);
  out["tools_default"] = !def.tools.has_value();
  out["source"] = def.source.string();
  out["scope"] = def.scope;
  if (!full) return out;
  out["temperature"] = def.temperature ? nlohmann::ordered_json(*def.temperature) : nullptr;
  out["max_steps"] = def.max_steps ? nlohmann::ordered_json(*def.max_steps) : nullptr;
  out["disabled_tools"] = def.disabled_tools;
  out["enabled_tools"] = def.enabled_tools;
  out["permission"] = def.permission;
  out["color"] = def.color;
  out["hidden"] = def.hidden;
  out["disabled"] = def.disabled;
  out["extra"] =
      def.extra.is_null() ? nlohmann::ordered_json::object() : nlohmann::ordered_json(def.extra);
  out["prompt"] = def.prompt;
  return out;
}

nlohmann::ordered_json to_json(const Diagnostic& diagnostic, bool with_severity) {
  nlohmann::ordered_json out;
  out["file"] = diagnostic.file.string();
  out["line"] = diagnostic.line;
  out["column"] = diagnostic.column;
  if (with_severity) out["severity"] = to_string(diagnostic.severity);
  out["message"] = diagnostic.message;
  return out;
}

}  // namespace agentry::agents
