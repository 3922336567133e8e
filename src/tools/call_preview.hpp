#pragma once
/// What an approval prompt shows before a tool runs: the diff write_file or edit_file would
/// make, or the command a process tool would start and what it may change.
#include <string>

#include <nlohmann/json.hpp>

#include "tools/tool.hpp"
#include "tools/workspace.hpp"

namespace agentry::tools {

/// A human-readable preview of the call; never fails (an unreadable file just has no diff).
std::string call_preview(const ToolSpec& spec, const nlohmann::json& arguments,
                         const Workspace& workspace);

}  // namespace agentry::tools
