#pragma once
/// An agent as loaded from a markdown file with YAML front-matter (Claude Code subagents,
/// opencode agents, agentry's own). src/agents owns splitting, parsing, normalising and the
/// registry; it knows nothing of HTTP, tools' behaviour or front-ends.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace agentry::agents {

enum class AgentMode { kPrimary, kSubagent, kAll };
const char* to_string(AgentMode mode);

struct AgentDefinition {
  std::string name;         ///< `name:` key, else derived from the path under its agents folder
  std::string description;  ///< when to use this agent; the dispatcher routes on it
  AgentMode mode = AgentMode::kAll;
  std::string model;  ///< as written: alias (sonnet, opus, haiku, inherit), id or provider/model;
                      ///< empty: inherit the caller's
  std::optional<double> temperature;
  /// `effort: low | medium | high | xhigh | max` (Claude Code's key): how hard the model thinks;
  /// "" = not asked for.
  std::string effort;
  /// `thinking: {budget_tokens: N}`: an explicit thinking budget (wins over effort on Anthropic).
  std::optional<int> thinking_budget;
  std::optional<int> max_steps;  ///< `steps` / `maxSteps` / `max_steps`
  /// `check_after_edit: on | off` (true/false too): run `cargo check` after each edit of Rust
  /// files and show the model what broke; nullopt: the config's `check_after_edit` (default off).
  std::optional<bool> check_after_edit;
  /// agentry tool names the agent may use; nullopt: every default tool (no `tools` key, or an
  /// opencode map that only disables some). Names agentry does not have are kept here too.
  std::optional<std::vector<std::string>> tools;
  std::vector<std::string> disabled_tools;  ///< opencode `tools: {name: false}` entries
  /// opencode `tools: {name: true}` entries: on top of the defaults, so only names that are not
  /// default tools matter (an MCP tool, a wildcard).
  std::vector<std::string> enabled_tools;
  /// `skills:` (Claude Code's key): names of skills whose bodies go into this agent's system
  /// prompt from the start, as if it had loaded them with the `skill` tool.
  std::vector<std::string> skills;
  nlohmann::json permission;  ///< `permission` as written (opencode/Claude forms)
  std::string color;
  bool hidden = false;
  bool disabled = false;
  std::string prompt;            ///< the markdown body: the system prompt
  nlohmann::json extra;          ///< unknown keys, kept as written
  std::filesystem::path source;  ///< the file it came from
  std::string scope;             ///< builtin | user | project | extra
};

}  // namespace agentry::agents
