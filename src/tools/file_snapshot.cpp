#include "tools/file_snapshot.hpp"

#include "tools/executors.hpp"
#include "tools/file_walk.hpp"
#include "tools/text_diff.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;

FileSnapshot FileSnapshot::take(const Workspace& workspace, const fs::path& root,
                                const std::function<std::string(const fs::path&)>& show) {
  FileSnapshot snap;
  walk_files(workspace, root, [&](const fs::path& file, const std::string&) {
    if (file.extension() != ".rs") return true;
    if (auto text = read_workspace_file(workspace, file, kMaxWholeFileBytes))
      snap.files_.emplace(show(file), std::move(*text));
    return true;
  });
  return snap;
}

std::vector<std::string> FileSnapshot::changed(const FileSnapshot& after) const {
  std::vector<std::string> out;
  for (const auto& [path, text] : files_) {
    auto it = after.files_.find(path);
    if (it == after.files_.end() || it->second != text) out.push_back(path);
  }
  for (const auto& [path, _] : after.files_)
    if (!files_.contains(path)) out.push_back(path);
  std::sort(out.begin(), out.end());
  return out;
}

std::string FileSnapshot::diff(const FileSnapshot& after) const {
  std::string out;
  static const std::string kNone;
  for (const auto& path : changed(after)) {
    auto b = files_.find(path);
    auto a = after.files_.find(path);
    out += unified_diff(b == files_.end() ? kNone : b->second,
                        a == after.files_.end() ? kNone : a->second, path);
  }
  return out;
}

}  // namespace agentry::tools
