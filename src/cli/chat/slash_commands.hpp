#pragma once
/// The chat's slash commands: their table (for /help and completion), parsing a submitted line,
/// suggestions for a mistyped name, and Tab completion of commands, their arguments (agent
/// names, models, session ids) and `@path` attachments.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "term/completion.hpp"

namespace agentry::llm {
struct LlmConfig;
}

namespace agentry::cli::chat {

struct SlashCommandSpec {
  std::string_view name;  ///< without the slash
  std::string_view args;  ///< "NAME", "[MODEL]", "" …
  std::string_view help;
};

/// What `/model ` completes to: "default", each provider's models (bare and as PROVIDER/MODEL)
/// and every alias usable on it (the built-in sonnet/opus/haiku and the user's `aliases:`, bare
/// and as PROVIDER/ALIAS), sorted, without duplicates. Null config: "default" and the built-ins.
std::vector<std::string> model_completions(const llm::LlmConfig* config);

/// Every command, in the order /help lists them.
const std::vector<SlashCommandSpec>& slash_commands();
const SlashCommandSpec* find_slash_command(std::string_view name);

struct SlashCommand {
  std::string name;  ///< without the slash
  std::string args;  ///< the rest, trimmed
  bool operator==(const SlashCommand&) const = default;
};

/// A line starting with `/` is a command ("/agent  rust-pro " -> {agent, rust-pro}); nullopt for
/// anything else, including a line that starts with a path ("/etc/hosts is odd").
std::optional<SlashCommand> parse_slash_command(std::string_view line);

/// Close matches for a mistyped name: the commands it starts, else those at edit distance ≤ 2.
std::vector<std::string> suggest_slash_commands(std::string_view name);

/// What Tab can complete from.
struct CompletionSources {
  std::vector<std::string> agents;
  std::vector<std::string> models;
  std::vector<std::string> sessions;
  /// The custom commands' names (without the slash), after the built-in ones.
  std::vector<std::string> commands;
  /// Paths in the workspace starting with the given prefix ("src/li" -> "src/lib.rs").
  std::function<std::vector<std::string>(std::string_view prefix)> paths;
};

using term::Completion;

/// Completion of the word before `cursor`: a command name (built-in or custom) right after a
/// leading `/`, its
/// argument after /agent, /model, /resume or /help, an `@path` anywhere.
Completion complete_input(std::string_view text, std::size_t cursor,
                          const CompletionSources& sources);

}  // namespace agentry::cli::chat
