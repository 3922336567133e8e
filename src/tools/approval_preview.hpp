#pragma once
/// What a person is shown before approving a call: the diff a write_file or edit_file would
/// make, or the command a process tool would run.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "tools/tool.hpp"

namespace agentry::tools {

/// A unified diff for file writes (computed without writing), the command line for process
/// tools, else the arguments as JSON. Never fails: problems show up in the text.
std::string approval_preview(const ToolSpec& spec, const nlohmann::json& arguments,
                             const std::filesystem::path& workspace);

}  // namespace agentry::tools
