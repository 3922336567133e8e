#pragma once
/// Reads a front-matter block into a YamlValue. Most real front-matter is a flat list of
/// `key: plain text` lines; those are read by a small line parser that accepts only what it can
/// read exactly as YAML would, and hands everything else (quotes, block scalars, lists, nested
/// maps, comments after values…) to yaml-cpp. When yaml-cpp rejects a block because a value holds
/// an unquoted `: `, the value is recovered as text, as opencode does, and a warning says where.
#include <filesystem>
#include <optional>
#include <string_view>

#include <tl/expected.hpp>

#include "agents/diagnostic.hpp"
#include "agents/yaml_value.hpp"

namespace agentry::agents {

/// Parses `yaml`, whose first line is line `first_line` of `file`. The result is a mapping, or
/// null for an empty block. Recovered values add warnings to `warnings`; invalid YAML is an error
/// at the file position yaml-cpp reports.
tl::expected<YamlValue, Diagnostic> read_front_matter_yaml(std::string_view yaml, int first_line,
                                                           const std::filesystem::path& file,
                                                           Diagnostics& warnings);

/// The cheap path alone: the mapping when every line is blank, a comment or `key: plain-scalar`
/// that YAML reads unambiguously; nullopt when the block needs a real YAML parser.
std::optional<YamlValue> parse_simple_yaml(std::string_view yaml, int first_line);

/// yaml-cpp alone (no recovery): what the cheap path must agree with.
tl::expected<YamlValue, Diagnostic> parse_yaml_strict(std::string_view yaml, int first_line,
                                                      const std::filesystem::path& file);

}  // namespace agentry::agents
