#pragma once
/// A project's JSON settings file as another tool writes it (`.mcp.json`, `.claude/settings.json`):
/// read whole, at most 1 MiB, and a JSON object, else an error naming the file.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace agentry::app {

/// The object in `file`. kIo when it cannot be read; kConfig when it is too large or not a JSON
/// object (with `example`, what to write, as the hint).
[[nodiscard]] Result<nlohmann::json> read_json_settings(const std::filesystem::path& file,
                                                        std::string example);

}  // namespace agentry::app
