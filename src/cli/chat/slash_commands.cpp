#include "cli/chat/slash_commands.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/edit_distance.hpp"
#include "core/text.hpp"
#include "llm/model_selection.hpp"
#include "llm/provider_config.hpp"

namespace agentry::cli::chat {

std::vector<std::string> model_completions(const llm::LlmConfig* config) {
  std::vector<std::string> names{"default", "sonnet", "opus", "haiku"};
  auto add = [&names](const llm::ProviderConfig& p, const std::string& model) {
    names.push_back(model);
    names.push_back(p.name + "/" + model);
  };
  if (config != nullptr) {
    for (const auto& p : config->providers) {
      add(p, p.model);
      for (const auto& m : p.models)
        add(p, m);
      // The same table select_model resolves with: an alias offered here is one it accepts.
      for (const auto& [alias, target] : llm::provider_aliases(p))
        add(p, alias);
    }
  }
  std::erase(names, std::string());
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

namespace {

std::vector<std::string> with_prefix(const std::vector<std::string>& all, std::string_view prefix,
                                     std::string_view decoration = {}) {
  std::vector<std::string> out;
  for (const auto& s : all) {
    if (s.starts_with(prefix)) out.push_back(std::string(decoration) + s);
  }
  return out;
}

}  // namespace

const std::vector<SlashCommandSpec>& slash_commands() {
  static const std::vector<SlashCommandSpec> kCommands = {
      {"help", "[COMMAND]", "show the commands and keys"},
      {"agents", "", "list the agents you can talk to"},
      {"agent", "NAME", "talk to another agent (the conversation goes on)"},
      {"model", "[MODEL]", "show the model, or use MODEL from now on (`default`: the agent's)"},
      {"effort", "[LEVEL]",
       "show how hard the model thinks, or set low|medium|high|xhigh|max (`default`: the "
       "agent's)"},
      {"thinking", "", "show or hide the model's reasoning (dimmed, one line per turn)"},
      {"tools", "", "the tools the current agent may call"},
      {"clear", "", "start a new conversation"},
      {"compact", "", "summarise the conversation and continue from the summary"},
      {"cost", "", "tokens and cost so far"},
      {"sessions", "", "recent conversations in this directory"},
      {"resume", "ID", "continue an earlier conversation (an id prefix is enough)"},
      {"diff", "", "what the agent changed in the workspace"},
      {"undo", "[--force]", "put back the files the last turn changed (subagents' included)"},
      {"rewind", "[TURN] [--force]",
       "list the turns that changed files, or put back every change from TURN on"},
      {"last", "", "the full output of the last tool call"},
      {"exit", "", "quit (also Ctrl-D)"},
  };
  return kCommands;
}

const SlashCommandSpec* find_slash_command(std::string_view name) {
  for (const auto& c : slash_commands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::optional<SlashCommand> parse_slash_command(std::string_view line) {
  line = trim(line);
  if (!line.starts_with('/') || line.size() < 2) return std::nullopt;
  auto end = std::find_if(line.begin(), line.end(), is_ascii_space) - line.begin();
  auto word = line.substr(1, static_cast<std::size_t>(end) - 1);
  if (word.find('/') != std::string_view::npos || word.find('.') != std::string_view::npos)
    return std::nullopt;  // a path, not a command
  return SlashCommand{std::string(word),
                      std::string(trim(line.substr(static_cast<std::size_t>(end))))};
}

std::vector<std::string> suggest_slash_commands(std::string_view name) {
  std::vector<std::string> out;
  for (const auto& c : slash_commands()) {
    if (!name.empty() && c.name.starts_with(name)) out.emplace_back(c.name);
  }
  if (!out.empty()) return out;
  for (const auto& c : slash_commands()) {
    if (edit_distance(name, c.name) <= 2) out.emplace_back(c.name);
  }
  return out;
}

Completion complete_input(std::string_view text, std::size_t cursor,
                          const CompletionSources& sources) {
  Completion out;
  cursor = std::min(cursor, text.size());
  std::size_t start = cursor;
  while (start > 0 && !is_ascii_space(text[start - 1]))
    --start;
  out.start = start;
  out.end = cursor;
  std::string_view word = text.substr(start, cursor - start);

  if (word.starts_with('@')) {
    if (sources.paths) {
      for (auto& p : sources.paths(word.substr(1)))
        out.candidates.push_back("@" + p);
    }
    return out;
  }
  if (start == 0 && word.starts_with('/')) {
    for (const auto& c : slash_commands()) {
      if (c.name.starts_with(word.substr(1))) out.candidates.push_back(fmt::format("/{}", c.name));
    }
    for (const auto& name : with_prefix(sources.commands, word.substr(1), "/")) {
      if (std::find(out.candidates.begin(), out.candidates.end(), name) == out.candidates.end())
        out.candidates.push_back(name);
    }
    return out;
  }
  // The argument of a command: only the first word after it.
  auto command = parse_slash_command(text.substr(0, start));
  if (!command || !command->args.empty()) return out;
  if (command->name == "agent") {
    out.candidates = with_prefix(sources.agents, word);
  } else if (command->name == "model") {
    out.candidates = with_prefix(sources.models, word);
  } else if (command->name == "resume") {
    out.candidates = with_prefix(sources.sessions, word);
  } else if (command->name == "help") {
    for (const auto& c : slash_commands()) {
      if (c.name.starts_with(word)) out.candidates.emplace_back(c.name);
    }
    for (auto& name : with_prefix(sources.commands, word))
      out.candidates.push_back(std::move(name));
  }
  return out;
}

}  // namespace agentry::cli::chat
