#pragma once
/// Reads a front-matter block into a YamlValue. Most real front-matter is a flat list of
/// `key: plain text` lines; those are read by a small line parser that accepts only what it can
/// read exactly as YAML would, and hands everything else (quotes, block scalars, lists, nested
/// maps, comments after values…) to yaml-cpp. When yaml-cpp rejects a block because a value holds
/// an unquoted `: `, the value is recovered as text, as opencode does, and a warning says where.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "agents/diagnostic.hpp"
#include "agents/front_matter.hpp"
#include "agents/yaml_value.hpp"

namespace agentry::agents {

/// A value with an unquoted `: ` that strict YAML rejects, read as text instead.
struct RecoveredValue {
  int line = 0;    ///< file line
  int column = 0;  ///< of the offending `: `
  std::string key;
  bool operator==(const RecoveredValue&) const = default;
};

/// Parses `yaml`, whose first line is line `first_line` of `file`. The result is a mapping, or
/// null for an empty block. Recovered values add warnings to `warnings`; invalid YAML is an error
/// at the file position yaml-cpp reports.
tl::expected<YamlValue, Diagnostic> read_front_matter_yaml(std::string_view yaml, int first_line,
                                                           const std::filesystem::path& file,
                                                           Diagnostics& warnings);

/// A file's front-matter block, split off and read.
struct ReadFrontMatter {
  FrontMatter split;
  YamlValue yaml;
};

/// split_front_matter, then read_front_matter_yaml: nullopt, with the error appended to
/// `diagnostics`, when either fails (warnings are appended as they come).
std::optional<ReadFrontMatter> read_front_matter(std::string_view text,
                                                 const std::filesystem::path& file,
                                                 Diagnostics& diagnostics);

/// The cheap path alone: the mapping when every line is blank, a comment or `key: scalar` that
/// YAML reads unambiguously; nullopt when the block needs a real YAML parser. With `recovered`,
/// a plain value holding `: ` is taken as text and listed there, exactly as
/// parse_yaml_recovering would read it; without, such a block needs the real parser.
std::optional<YamlValue> parse_simple_yaml(std::string_view yaml, int first_line,
                                           std::vector<RecoveredValue>* recovered = nullptr);

/// yaml-cpp alone (no recovery): what the cheap path must agree with.
tl::expected<YamlValue, Diagnostic> parse_yaml_strict(std::string_view yaml, int first_line,
                                                      const std::filesystem::path& file);

/// yaml-cpp; when it rejects the block, each top-level `key: text: more` line is read as
/// `key: "text: more"` (listed in `recovered`) and the block parsed again. The error is the
/// original one when that does not help.
tl::expected<YamlValue, Diagnostic> parse_yaml_recovering(std::string_view yaml, int first_line,
                                                          const std::filesystem::path& file,
                                                          std::vector<RecoveredValue>& recovered);

}  // namespace agentry::agents
