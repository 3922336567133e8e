#pragma once
/// What `agentry context` shows: what the model receives before the task, for one agent in the
/// working directory, built by the engine as a run builds it (engine::Engine::opening) — the
/// system prompt's pieces (the base prompt, the environment, the agent's prompt, the
/// instructions files with their paths, and whatever section is added later, such as skills),
/// then the tools with their schemas — each with an estimate of its tokens.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "app/services.hpp"
#include "core/error.hpp"
#include "engine/engine.hpp"

namespace agentry::app {

/// One counted entry: a piece of the system prompt, a part of one (an instructions file), or a
/// tool.
struct ContextEntry {
  std::string name;
  std::string source;  ///< where it comes from ("prompts/base.md", "imported by AGENTS.md")
  std::string text;    ///< as sent: a piece's text, a tool's schema as JSON
  std::int64_t tokens = 0;
  std::vector<ContextEntry> parts;
};

struct ContextReport {
  std::string agent;
  std::filesystem::path cwd;
  std::vector<ContextEntry> system;
  std::vector<ContextEntry> tools;
  std::vector<std::string> warnings;
  std::int64_t system_tokens = 0;  ///< the system prompt as sent (pieces and their separators)
  std::int64_t tools_tokens = 0;
  std::int64_t total_tokens() const { return system_tokens + tools_tokens; }
};

/// The estimate agentry's context budget starts from (engine/context_budget.hpp): characters
/// divided by its starting ratio, rounded up. Providers count with their own tokenizers.
std::int64_t estimated_tokens(std::size_t chars);

/// The report of what `opening` sends, in `cwd`.
ContextReport context_report(const engine::Opening& opening, const std::filesystem::path& cwd);

/// What a task of `agent` (empty: the default agent) in the services' working directory would
/// send the model first. Config and agent errors come back as errors (exit 2).
[[nodiscard]] Result<ContextReport> context_report(Services& services, const std::string& agent);

}  // namespace agentry::app
