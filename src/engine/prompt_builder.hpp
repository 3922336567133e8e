#pragma once
/// Assembles system prompts from prompts/*.md, in named pieces, in this order: the base prompt,
/// an environment block (cwd, git branch, and for agents with cargo tools the toolchain versions
/// and the crate from `cargo metadata`), the agent's own body, the project instructions
/// (instructions.hpp: AGENTS.md files, unless the agent's `instructions: false`), then the extra
/// sections other parts of agentry add (add_section: the skills listing). Also renders the `task`
/// tool's description. Everything the environment block and the instructions say is taken once
/// per working directory and reused, so a session's system prompt stays byte-identical from turn
/// to turn (prompt caching).
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "agents/agent_definition.hpp"
#include "core/error.hpp"
#include "engine/instructions.hpp"

namespace agentry::engine {

/// Runs argv in cwd and returns its stdout, or nullopt on any failure. Injected so the engine does
/// not depend on how processes are spawned (and tests need no toolchain).
using CommandProbe = std::function<std::optional<std::string>(const std::vector<std::string>& argv,
                                                              const std::filesystem::path& cwd)>;

/// A part of a piece that `agentry context` counts on its own (one instructions file).
struct PromptPart {
  std::string name;            ///< as the prompt names it ("crates/core/AGENTS.md")
  std::filesystem::path path;  ///< the file it came from, if any
  std::string detail;          ///< e.g. "imported by AGENTS.md"
  std::size_t chars = 0;       ///< its bytes in the piece
};

/// One named piece of a system prompt.
struct PromptPiece {
  /// "base", "environment", "agent", "instructions", or an extra section's own name ("skills").
  std::string name;
  std::string source;  ///< where it comes from, for people: a file, "the agent rust-pro (path)"
  std::string text;    ///< exactly as it goes into the prompt
  std::vector<PromptPart> parts;
};

/// A system prompt as the pieces it is made of; the prompt sent is text().
struct SystemPrompt {
  std::vector<PromptPiece> pieces;
  /// What went wrong reading the pieces (an instructions import refused, the cap reached).
  std::vector<std::string> warnings;
  /// The pieces that have text, separated by a blank line.
  std::string text() const;
};

/// An extra section of every system prompt (after the instructions): given the agent and the
/// working directory, its piece, or nullopt for none. It must give the same piece for the same
/// agent and folder every time (prompt caching) and be safe to call from several threads.
using PromptSection = std::function<std::optional<PromptPiece>(const agents::AgentDefinition& agent,
                                                               const std::filesystem::path& cwd)>;

struct PromptOptions {
  /// Where the project instructions come from besides the project (app fills in the user's).
  InstructionSources instructions;
  /// Warnings about the instructions go here, once per working directory; null: nowhere.
  std::shared_ptr<spdlog::logger> log;
};

class PromptBuilder {
 public:
  PromptBuilder(std::filesystem::path prompts_dir, CommandProbe probe, PromptOptions options = {});

  /// Adds a section to every prompt built from now on, after those added before. Call it while
  /// composing, before the first prompt is built.
  void add_section(PromptSection section) { sections_.push_back(std::move(section)); }

  /// The pieces: base.md and environment.md (filled in), the agent's prompt, the instructions
  /// for `cwd` (instructions.md around them), then the extra sections.
  [[nodiscard]] Result<SystemPrompt> system_prompt_pieces(const agents::AgentDefinition& agent,
                                                          const std::filesystem::path& cwd);
  /// system_prompt_pieces(…).text(): the system prompt sent.
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
  /// The instructions for `cwd`, read once per cwd for the builder's life (as the surroundings);
  /// their warnings are logged the first time.
  const Instructions& instructions(const std::filesystem::path& cwd);
  [[nodiscard]] Result<std::optional<PromptPiece>> instructions_piece(
      const std::filesystem::path& cwd);

  std::filesystem::path dir_;
  CommandProbe probe_;
  std::mutex mutex_;  // guards the caches: subagents build prompts from parallel threads
  std::map<std::string, std::string> templates_;
  std::map<std::filesystem::path, std::string> rust_facts_;
  std::map<std::filesystem::path, Surroundings> surroundings_;
  PromptOptions options_;
  std::map<std::filesystem::path, Instructions> instructions_;
  std::vector<PromptSection> sections_;
};

/// Replaces each `{{key}}` in `text` with its value; unknown keys are left as written.
std::string fill_template(std::string_view text, const std::map<std::string, std::string>& values);

/// The branch (or detached commit) of the git repository holding `cwd`, read from .git/HEAD
/// without running git; empty when not in a repository.
std::string git_branch(const std::filesystem::path& cwd);

}  // namespace agentry::engine
