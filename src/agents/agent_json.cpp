#include "agents/agent_json.hpp"

namespace agentry::agents {

nlohmann::ordered_json to_json(const AgentDefinition& def, bool full,
                               const std::vector<std::string>& tools) {
  nlohmann::ordered_json out;
  out["name"] = def.name;
  out["description"] = def.description;
  out["mode"] = to_string(def.mode);
  out["model"] = def.model;
  out["tools"] = tools;
  out["tools_default"] = !def.tools.has_value();
  out["source"] = def.source.string();
  out["scope"] = def.scope;
  if (!full) return out;
  out["temperature"] = def.temperature ? nlohmann::ordered_json(*def.temperature) : nullptr;
  out["top_p"] = def.top_p ? nlohmann::ordered_json(*def.top_p) : nullptr;
  out["max_steps"] = def.max_steps ? nlohmann::ordered_json(*def.max_steps) : nullptr;
  out["check_after_edit"] =
      def.check_after_edit ? nlohmann::ordered_json(*def.check_after_edit) : nullptr;
  out["effort"] =
      def.effort.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(def.effort);
  out["thinking_budget"] =
      def.thinking_budget ? nlohmann::ordered_json(*def.thinking_budget) : nullptr;
  out["disabled_tools"] = def.disabled_tools;
  out["enabled_tools"] = def.enabled_tools;
  out["permission"] = def.permission;
  if (def.mcp_servers) {
    // As Claude Code writes it: a configured server's name, or {name: inline definition}.
    out["mcpServers"] = nlohmann::ordered_json::array();
    for (const auto& server : *def.mcp_servers) {
      if (server.definition.is_null()) {
        out["mcpServers"].push_back(server.name);
      } else {
        nlohmann::ordered_json entry;
        entry[server.name] = nlohmann::ordered_json(server.definition);
        out["mcpServers"].push_back(std::move(entry));
      }
    }
  }
  out["color"] = def.color;
  out["initial_prompt"] = def.initial_prompt;
  out["skills"] = def.skills;
  out["hooks"] = def.hooks;
  out["hidden"] = def.hidden;
  out["disabled"] = def.disabled;
  out["instructions"] = def.instructions;
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
