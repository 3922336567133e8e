#pragma once
/// Reading tools/<name>.yaml: the name, description and JSON-schema parameters exactly as the
/// model sees them, the limits (`timeout` in seconds, `output_cap` in bytes) and `writes`.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/error.hpp"
#include "tools/tool.hpp"

namespace agentry::tools {

/// A tool file larger than this is refused unread (real ones are a few KB). Its YAML has the
/// budget of every YAML file (core/yaml_load.hpp).
inline constexpr std::uintmax_t kMaxToolSpecBytes = 1 << 20;

/// One tool file. The name must match the file's stem; the schema must use the supported subset.
[[nodiscard]] Result<ToolSpec> load_tool_spec(const std::filesystem::path& file);

/// Every *.yaml in `dir`, sorted by name; the first broken file is the error (tool files ship
/// with agentry, so a broken one is a bug to fix, not something to skip).
[[nodiscard]] Result<std::vector<ToolSpec>> load_tool_specs(const std::filesystem::path& dir);

}  // namespace agentry::tools
