#pragma once
/// Glob patterns as models and users write them: `*` and `?` within one path segment, `**`
/// across segments (`**/` also matches no folder at all), `[abc]`, `[a-z]`, `[!x]`, `{a,b}`.
#include <string>
#include <string_view>
#include <vector>

namespace agentry::tools {

/// True when `path` (with '/' separators) matches `pattern` as a whole.
bool glob_match(std::string_view pattern, std::string_view path);

/// `pattern` with every `{a,b}` alternative spelled out (at most 256 patterns).
std::vector<std::string> expand_braces(std::string_view pattern);

}  // namespace agentry::tools
