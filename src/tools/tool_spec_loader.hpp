#pragma once
/// Reading tools/<name>.yaml: the name, description and JSON-schema parameters exactly as the
/// model sees them, the limits (`timeout` in seconds, `output_cap` in bytes) and `writes`.
#include <filesystem>
#include <vector>

#include "core/error.hpp"
#include "tools/tool.hpp"

namespace agentry::tools {

/// One tool file. The name must match the file's stem; the schema must use the supported subset.
[[nodiscard]] Result<ToolSpec> load_tool_spec(const std::filesystem::path& file);

/// Every *.yaml in `dir`, sorted by name; the first broken file is the error (tool files ship
/// with agentry, so a broken one is a bug to fix, not something to skip).
[[nodiscard]] Result<std::vector<ToolSpec>> load_tool_specs(const std::filesystem::path& dir);

}  // namespace agentry::tools
