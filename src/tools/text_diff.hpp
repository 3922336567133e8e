#pragma once
/// A unified diff of two texts, for approval previews (what write_file/edit_file would change)
/// and for reporting what clippy_fix and rustfmt changed.
#include <string>
#include <string_view>

namespace agentry::tools {

/// `---`/`+++` headers naming `path`, then hunks with 3 lines of context. Empty when equal.
std::string unified_diff(std::string_view before, std::string_view after, const std::string& path);

}  // namespace agentry::tools
