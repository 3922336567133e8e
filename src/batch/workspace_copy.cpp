#include "batch/workspace_copy.hpp"

#include <system_error>

#include <fmt/format.h>

namespace agentry::batch {

namespace fs = std::filesystem;

namespace {

Error copy_error(const std::string& what, const fs::path& path, const std::error_code& ec) {
  return Error(ErrorCode::kIo, fmt::format("{}: {}", what, ec.message()), path.string(),
               "check free space and permissions of the workspace folder (--workspace-dir)");
}

Result<void> copy_tree(const fs::path& source, const fs::path& dest, bool top) {
  std::error_code ec;
  fs::create_directories(dest, ec);
  if (ec) return tl::make_unexpected(copy_error("cannot create the task workspace", dest, ec));
  for (fs::directory_iterator it(source, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& from = it->path();
    fs::path to = dest / from.filename();
    auto status = it->symlink_status(ec);
    if (ec) break;
    if (fs::is_symlink(status)) {
      fs::copy_symlink(from, to, ec);
    } else if (fs::is_directory(status)) {
      if (top && from.filename() == "target") continue;
      auto copied = copy_tree(from, to, false);
      if (!copied) return copied;
    } else if (fs::is_regular_file(status)) {
      fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
    }
    if (ec) return tl::make_unexpected(copy_error("cannot copy into the task workspace", from, ec));
  }
  if (ec) return tl::make_unexpected(copy_error("cannot read the task directory", source, ec));
  return {};
}

}  // namespace

Result<void> copy_workspace(const fs::path& source, const fs::path& dest) {
  std::error_code ec;
  if (fs::exists(dest, ec)) {
    return fail(ErrorCode::kIo, "the task workspace already exists", dest.string(),
                "remove it, or give another --workspace-dir");
  }
  return copy_tree(source, dest, true);
}

fs::path workspace_path(const fs::path& root, const BatchTask& task) {
  std::string safe;
  for (char c : task.id) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.';
    safe += plain ? c : '_';
  }
  if (safe.size() > 80) safe.resize(80);
  std::string leaf = task.cwd.filename().string();
  if (leaf.empty() || leaf == "." || leaf == "..") leaf = "work";
  return root / fmt::format("{}-{}", safe, task.hash.substr(0, 8)) / leaf;
}

}  // namespace agentry::batch
