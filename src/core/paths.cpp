#include "core/paths.hpp"

#include <system_error>
#include <vector>

namespace agentry {

namespace fs = std::filesystem;

std::optional<fs::path> find_project_root(const fs::path& start) {
  std::error_code ec;
  fs::path dir = fs::weakly_canonical(fs::absolute(start, ec), ec);
  if (ec) dir = start;
  while (true) {
    if (fs::exists(dir / ".git", ec) || fs::is_directory(dir / ".agentry", ec)) return dir;
    if (!dir.has_parent_path() || dir.parent_path() == dir) return std::nullopt;
    dir = dir.parent_path();
  }
}

std::vector<fs::path> directories_up_to(const fs::path& start, const fs::path& root) {
  std::vector<fs::path> out;
  std::error_code ec;
  fs::path dir = fs::weakly_canonical(fs::absolute(start, ec), ec);
  fs::path stop = fs::weakly_canonical(fs::absolute(root, ec), ec);
  while (true) {
    out.push_back(dir);
    if (dir == stop) return out;
    if (!dir.has_parent_path() || dir.parent_path() == dir) return {out.front()};
    dir = dir.parent_path();
  }
}

fs::path user_config_dir(const Environment& env) {
  return env.config_home() / "agentry";
}
fs::path user_data_dir(const Environment& env) {
  return env.data_home() / "agentry";
}

}  // namespace agentry
