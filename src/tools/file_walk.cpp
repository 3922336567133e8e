#include "tools/file_walk.hpp"

#include <algorithm>
#include <system_error>
#include <vector>

#include "tools/executors.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;

namespace {

bool walk(const fs::path& dir, const std::string& prefix, std::size_t& count,
          const std::function<bool(const fs::path&, const std::string&)>& visit) {
  std::error_code ec;
  std::vector<fs::directory_entry> children;
  for (const auto& e : fs::directory_iterator(dir, ec))
    children.push_back(e);
  std::sort(children.begin(), children.end(),
            [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
  for (const auto& child : children) {
    if (child.is_symlink(ec)) continue;
    std::string rel = prefix + child.path().filename().string();
    if (child.is_directory(ec)) {
      if (is_skipped_directory(child.path().filename())) continue;
      if (!walk(child.path(), rel + "/", count, visit)) return false;
    } else if (child.is_regular_file(ec)) {
      ++count;
      if (!visit(child.path(), rel)) return false;
    }
  }
  return true;
}

}  // namespace

std::size_t walk_files(const fs::path& root,
                       const std::function<bool(const fs::path&, const std::string&)>& visit) {
  std::size_t count = 0;
  walk(root, "", count, visit);
  return count;
}

}  // namespace agentry::tools
