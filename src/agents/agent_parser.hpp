#pragma once
/// Turns the bytes of one agent file into an AgentDefinition: clean-up (BOM, line ends, double
/// encoded UTF-8), front-matter split, YAML, then normalisation of every key real files use
/// (Claude Code and opencode forms). Tolerant where files are sloppy, strict where a mistake
/// would change what the agent does.
#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "agents/agent_definition.hpp"
#include "agents/diagnostic.hpp"

namespace agentry::agents {

/// The model aliases every provider setup understands; `inherit` uses the caller's model.
inline constexpr std::array<std::string_view, 4> kModelAliases = {"sonnet", "opus", "haiku",
                                                                  "inherit"};

/// Parses `text`, the content of `file`. `name_from_path` is the name used when the front-matter
/// has none; `scope` is recorded in the definition. Every problem is appended to `diagnostics`;
/// the result is nullopt when one of them is an error.
std::optional<AgentDefinition> parse_agent(std::string text, const std::filesystem::path& file,
                                           std::string_view name_from_path, std::string_view scope,
                                           Diagnostics& diagnostics);

}  // namespace agentry::agents
