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

/// One entry of Claude Code's `mcpServers` front-matter: a configured MCP server by name, or a
/// server defined inline (started only when the agent file may start programs: app decides).
struct AgentMcpServer {
  std::string name;
  /// The inline entry as written (`{command, args, env}` or `{type, url, headers}`); null for a
  /// configured server's name.
  nlohmann::json definition;
  int line = 0;  ///< where it was written
  int column = 0;
};

struct AgentDefinition {
  std::string name;         ///< `name:` key, else derived from the path under its agents folder
  std::string description;  ///< when to use this agent; the dispatcher routes on it
  AgentMode mode = AgentMode::kAll;
  std::string model;  ///< as written: alias (sonnet, opus, haiku, inherit), id or provider/model;
                      ///< empty: inherit the caller's
  std::optional<double> temperature;
  std::optional<double> top_p;  ///< `top_p` (opencode): nucleus sampling, 0–1; unset: default
  /// `effort: low | medium | high | xhigh | max` (Claude Code's key): how hard the model thinks;
  /// "" = not asked for.
  std::string effort;
  /// `thinking: {budget_tokens: N}`: an explicit thinking budget (wins over effort on Anthropic).
  std::optional<int> thinking_budget;
  std::optional<int> max_steps;  ///< `steps` / `maxSteps` / `max_steps` / `maxTurns` (Claude Code)
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
  nlohmann::json permission;  ///< `permission` as written (opencode/Claude forms)
  /// `mcpServers` (Claude Code): the MCP servers whose tools the agent may be offered; nullopt:
  /// every configured server.
  std::optional<std::vector<AgentMcpServer>> mcp_servers = {};
  std::string color;
  /// `initialPrompt` (Claude Code): the first user turn, submitted by itself when the agent is
  /// the session's own agent (chat, and `run` without a task); "" = none.
  std::string initial_prompt;
  /// `skills` (Claude Code): the names of skills to preload, as written.
  std::vector<std::string> skills;
  /// `hooks` (Claude Code's form: event -> [{matcher, hooks: [{type, command, timeout}]}]), as
  /// written once its shape checked out; null when absent or malformed.
  nlohmann::json hooks;
  bool hidden = false;
  bool disabled = false;
  /// `instructions: false`: the project instructions (AGENTS.md, CLAUDE.md) are left out of this
  /// agent's system prompt (a subagent that must not follow them, or needs its window).
  bool instructions = true;
  std::string prompt;  ///< the markdown body: the system prompt
  /// Keys kept as written: the unknown ones, and Claude Code's `permissionMode` (a known key,
  /// checked at load, read by engine::agent_permission_mode).
  nlohmann::json extra;
  std::filesystem::path source;  ///< the file it came from
  std::string scope;             ///< builtin | user | project | extra
};

}  // namespace agentry::agents
