#pragma once
/// `@path` in a chat message: the file's contents go to the model with the message. Paths are
/// resolved through the tools' Workspace, so the same confinement holds as for the agent's own
/// file tools: nothing outside the workspace (no `..`, no absolute path elsewhere, no symlink
/// leading out) can be attached. Binary and oversized files are refused.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tools/workspace.hpp"

namespace agentry::cli::chat {

struct AttachedFile {
  std::string path;  ///< as shown: relative to the workspace
  std::size_t bytes = 0;
  std::size_t lines = 0;
};

struct ExpandedMessage {
  std::string text;                   ///< the message with the attached files appended
  std::vector<AttachedFile> files;    ///< attached, in order of mention, each once
  std::vector<std::string> problems;  ///< "@x: why it was not attached", for the user
};

/// The `@path` words of `message` (at its start or after whitespace; `@"a b.rs"` for names with
/// spaces). Trailing punctuation is not part of the path unless the file has it.
std::vector<std::string> attachment_mentions(std::string_view message);

/// Appends each mentioned file as `<file path="…">…</file>` after the message. Mentions that
/// are not files in the workspace are listed in `problems` and left in the text as written.
ExpandedMessage attach_files(std::string_view message, const tools::Workspace& workspace,
                             std::size_t max_bytes = 256 * 1024);

/// Workspace paths starting with `prefix` (for Tab after `@`): entries of the prefix's folder,
/// folders with a trailing `/`; hidden entries only when the prefix names them. Nothing outside
/// the workspace.
std::vector<std::string> complete_workspace_path(const tools::Workspace& workspace,
                                                 std::string_view prefix);

}  // namespace agentry::cli::chat
