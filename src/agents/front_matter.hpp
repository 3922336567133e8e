#pragma once
/// Splits an agent file into its YAML front-matter block and its markdown body.
#include <filesystem>
#include <string_view>

#include <tl/expected.hpp>

#include "agents/diagnostic.hpp"

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

}  // namespace agentry::agents
