#pragma once
/// Assembles system prompts from prompts/*.md: the base prompt, an environment block (cwd, git
/// branch, and for agents with cargo tools the toolchain versions and the crate from
/// `cargo metadata`), and the agent's own body. Also renders the `task` tool's description.
/// Everything the environment block says is taken once per working directory and reused, so a
/// session's system prompt stays byte-identical from turn to turn (prompt caching).
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "agents/agent_definition.hpp"
#include "core/error.hpp"

namespace agentry::engine {

/// Runs argv in cwd and returns its stdout, or nullopt on any failure. Injected so the engine does
/// not depend on how processes are spawned (and tests need no toolchain).
using CommandProbe = std::function<std::optional<std::string>(const std::vector<std::string>& argv,
                                                              const std::filesystem::path& cwd)>;

class PromptBuilder {
 public:
  PromptBuilder(std::filesystem::path prompts_dir, CommandProbe probe);

  /// base.md + environment.md (filled in) + the agent's prompt.
  [[nodiscard]] Result<std::string> system_prompt(const agents::AgentDefinition& agent,
                                                  const std::filesystem::path& cwd);
  /// task.md with the subagents listed (name: description).
  [[nodiscard]] Result<std::string> task_description(
      const std::vector<const agents::AgentDefinition*>& subagents);
  /// The notice sent when an agent reaches its step limit.
  [[nodiscard]] Result<std::string> max_steps_notice();
  /// compact.md: what the model is asked when a session is summarised to fit its window.
  [[nodiscard]] Result<std::string> compaction_prompt();
  /// tool_search.md: the system prompt's paragraph on the `count` tools (of `servers`) left out
  /// of requests until the model searches for them (tool_search.hpp).
  [[nodiscard]] Result<std::string> tool_search_notice(std::size_t count,
                                                       const std::string& servers);

 private:
  [[nodiscard]] Result<std::string> load(const std::string& name);
  std::string toolchain_and_crate(const std::filesystem::path& cwd);
  /// The date and git branch of the environment block, taken once per cwd for the builder's
  /// life: every turn of a session (and every chat message, each a resumed run) then sends the
  /// same system prompt, so that the provider's prompt cache keeps hitting past midnight or a
  /// `git switch`.
  struct Surroundings {
    std::string date;
    std::string git;
  };
  const Surroundings& surroundings(const std::filesystem::path& cwd);

  std::filesystem::path dir_;
  CommandProbe probe_;
  std::mutex mutex_;  // guards the caches: subagents build prompts from parallel threads
  std::map<std::string, std::string> templates_;
  std::map<std::filesystem::path, std::string> rust_facts_;
  std::map<std::filesystem::path, Surroundings> surroundings_;
};

/// Replaces each `{{key}}` in `text` with its value; unknown keys are left as written.
std::string fill_template(std::string_view text, const std::map<std::string, std::string>& values);

/// The branch (or detached commit) of the git repository holding `cwd`, read from .git/HEAD
/// without running git; empty when not in a repository.
std::string git_branch(const std::filesystem::path& cwd);

}  // namespace agentry::engine
