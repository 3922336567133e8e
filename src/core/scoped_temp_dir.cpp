#include "core/scoped_temp_dir.hpp"

#include <stdlib.h>
#include <string>

namespace agentry {

namespace fs = std::filesystem;

Result<ScopedTempDir> ScopedTempDir::create(std::string_view prefix) {
  std::error_code ec;
  auto base = fs::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string tmpl = (base / (std::string(prefix) + "-XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    return fail(ErrorCode::kIo, "cannot create a temporary directory", tmpl,
                "check that TMPDIR exists and is writable");
  }
  return ScopedTempDir(fs::path(tmpl));
}

ScopedTempDir::ScopedTempDir(ScopedTempDir&& other) noexcept
    : path_(std::move(other.path_)), keep_(other.keep_) {
  other.path_.clear();
}

ScopedTempDir::~ScopedTempDir() {
  if (path_.empty() || keep_) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

Result<void> copy_tree(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  for (auto it = fs::recursive_directory_iterator(from, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    auto name = it->path().filename();
    if (it->is_directory() && (name == "target" || name == ".git")) {
      it.disable_recursion_pending();
      continue;
    }
    auto dest = to / fs::relative(it->path(), from);
    if (it->is_directory()) {
      fs::create_directories(dest, ec);
    } else if (it->is_regular_file()) {
      fs::copy_file(it->path(), dest, fs::copy_options::overwrite_existing, ec);
    }
    if (ec) break;
  }
  if (ec) {
    return fail(ErrorCode::kIo, "cannot copy " + from.string() + ": " + ec.message(), to.string());
  }
  return {};
}

}  // namespace agentry
