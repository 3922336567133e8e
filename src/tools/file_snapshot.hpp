#pragma once
/// The Rust sources of a crate before and after a tool rewrote them (clippy_fix, rustfmt
/// apply), to report exactly which files changed and how.
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tools/workspace.hpp"

namespace agentry::tools {

class FileSnapshot {
 public:
  /// Reads every *.rs file under `root` (a folder of `workspace`; target/ and .git/ skipped,
  /// each file opened beneath the workspace root, at most kMaxWholeFileBytes), keyed by the
  /// path shown.
  static FileSnapshot take(const Workspace& workspace, const std::filesystem::path& root,
                           const std::function<std::string(const std::filesystem::path&)>& show);

  /// Files whose content differs in `after` (changed, created or removed), sorted.
  std::vector<std::string> changed(const FileSnapshot& after) const;
  /// The unified diff of every changed file.
  std::string diff(const FileSnapshot& after) const;

 private:
  std::map<std::string, std::string> files_;
};

}  // namespace agentry::tools
