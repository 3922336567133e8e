#pragma once
/// Splits an agent file into its YAML front-matter block and its markdown body.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "agents/diagnostic.hpp"
#include "agents/yaml_value.hpp"

namespace agentry::agents {

struct FrontMatter {
  std::string_view yaml;    ///< the text between the fences, fences excluded
  std::string_view body;    ///< everything after the closing fence (a `---` in it is markdown)
  int yaml_first_line = 2;  ///< file line of the block's first line: the opening fence is line 1
  int body_first_line = 0;  ///< file line where the body starts
};

/// Splits `text` (BOM already stripped, line ends already LF) at the first `---` line after the
/// opening one. Trailing spaces after a fence are allowed; an indented fence is not. An empty file,
/// a missing opening fence, an unterminated block or an indented fence is an error Diagnostic
/// pointing at `file`. The views point into `text`.
tl::expected<FrontMatter, Diagnostic> split_front_matter(std::string_view text,
                                                         const std::filesystem::path& file);

/// A markdown file with front-matter (an agent file, a SKILL.md), cleaned up and read.
struct FrontMatterDocument {
  YamlValue yaml;           ///< the block as a mapping (null when empty)
  std::string body;         ///< the markdown after the closing fence, untrimmed
  int yaml_first_line = 2;  ///< as in FrontMatter
  int body_first_line = 0;
};

/// Calls `apply(key, value)` for each entry of `mapping` whose key was not seen before in it; a
/// repeated key gets a warning in `diagnostics` (pointing at it, naming the first) and is skipped.
/// Hashed, so that 100k keys cost 100k lookups, not 100k² comparisons.
void apply_unique_entries(const YamlValue& mapping, const std::filesystem::path& file,
                          Diagnostics& diagnostics,
                          const std::function<void(const YamlValue&, const YamlValue&)>& apply);

/// Cleans `text`, the content of `file`, up (BOM, line ends, double-encoded UTF-8 with a warning
/// saying where), splits it and reads its YAML. Every problem is appended to `diagnostics`;
/// nullopt when the file has no readable front-matter (the error is among them).
std::optional<FrontMatterDocument> read_front_matter_document(std::string text,
                                                              const std::filesystem::path& file,
                                                              Diagnostics& diagnostics);

}  // namespace agentry::agents
