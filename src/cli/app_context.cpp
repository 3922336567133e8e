#include "cli/app_context.hpp"

#include <array>
#include <system_error>
#include <unistd.h>

#include "core/build_paths.hpp"

namespace agentry::cli {

namespace fs = std::filesystem;

fs::path find_data_dir(const Environment& env) {
  if (auto dir = env.get("AGENTRY_DATA_DIR"); dir && !dir->empty()) return *dir;
  std::array<char, 4096> buf{};
  ssize_t n = ::readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  std::error_code ec;
  if (n > 0) {
    fs::path exe(std::string(buf.data(), static_cast<std::size_t>(n)));
    fs::path installed = exe.parent_path().parent_path() / "share" / "agentry";
    if (fs::is_directory(installed / "agents", ec)) return installed;
  }
  return fs::path(AGENTRY_SOURCE_DIR);
}

}  // namespace agentry::cli
