#include "tools/workspace.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <fcntl.h>
#include <system_error>

#include <fmt/format.h>

#include "core/text.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxSymlinkHops = 40;  // the kernel's own limit (MAXSYMLINKS)

Error refuse(std::string message) {
  return Error(ErrorCode::kPermission, std::move(message), "",
               "use a path inside the workspace, relative to its root");
}

}  // namespace

Result<Workspace> Workspace::open(const fs::path& root) {
  std::error_code ec;
  fs::path canonical = fs::canonical(root, ec);
  if (ec || !fs::is_directory(canonical, ec))
    return fail(ErrorCode::kIo, fmt::format("workspace {} is not a directory", root.string()),
                root.string());
  auto fd = std::make_shared<const UniqueFd>(
      ::open(canonical.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd->valid())
    return fail(ErrorCode::kIo,
                fmt::format("cannot open the workspace {}: {}", root.string(),
                            std::generic_category().message(errno)),
                root.string());
  return Workspace(std::move(canonical), std::move(fd));
}

Result<Workspace> Workspace::open_read_root(const fs::path& root) {
  auto ws = open(root);
  if (ws) ws->absolute_display_ = true;
  return ws;
}

bool is_settings_folder_name(std::string_view name) {
  static constexpr std::array<std::string_view, 4> kNames = {".git", ".agentry", ".claude",
                                                             ".opencode"};
  if (name.size() < 4 || name.size() > 9 || name.front() != '.') return false;
  std::string lower = ascii_lower(name);
  return std::find(kNames.begin(), kNames.end(), lower) != kNames.end();
}

fs::path Workspace::relative(const fs::path& path) const {
  auto rel = path.lexically_relative(root_);
  return rel == "." ? fs::path() : rel;
}

bool Workspace::in_settings_folder(const fs::path& path) const {
  if (!contains(path)) return false;
  for (const auto& part : relative(path))
    if (is_settings_folder_name(part.native())) return true;
  return false;
}

std::string Workspace::escaped_message(const fs::path& path) const {
  std::string shown = display(path);
  auto again = resolve(shown);
  if (!again) return again.error().message;
  return fmt::format(
      "`{}` leads outside the workspace through a symlink (the folder changed while agentry "
      "opened it); use a path inside the workspace",
      shown);
}

bool Workspace::contains(const fs::path& path) const {
  auto rel = path.lexically_relative(root_);
  if (rel.empty()) return false;
  auto first = *rel.begin();
  return first != "..";
}

std::string Workspace::display(const fs::path& path) const {
  if (!contains(path) || absolute_display_) return path.generic_string();
  auto rel = path.lexically_relative(root_);
  return rel.empty() ? "." : rel.generic_string();
}

Result<fs::path> Workspace::resolve(std::string_view given) const {
  if (given.empty()) return tl::make_unexpected(refuse("the path is empty"));
  if (given.find('\0') != std::string_view::npos)
    return tl::make_unexpected(refuse("the path contains a NUL byte"));
  fs::path input{std::string(given)};

  std::deque<fs::path> pending;
  fs::path current = input.is_absolute() ? fs::path("/") : root_;
  for (const auto& part : input.relative_path())
    pending.push_back(part);

  int hops = 0;
  std::string first_link;  // the first symlink followed, for the message when it leads out
  while (!pending.empty()) {
    fs::path part = std::move(pending.front());
    pending.pop_front();
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      current = current.parent_path();
      continue;
    }
    fs::path next = current / part;
    std::error_code ec;
    auto status = fs::symlink_status(next, ec);
    if (ec || !fs::is_symlink(status)) {
      current = std::move(next);  // a real entry, or not there yet
      continue;
    }
    if (++hops > kMaxSymlinkHops)
      return tl::make_unexpected(refuse(fmt::format(
          "`{}` is a symlink loop (more than {} links followed)", given, kMaxSymlinkHops)));
    if (first_link.empty()) first_link = display(next);
    fs::path target = fs::read_symlink(next, ec);
    if (ec)
      return tl::make_unexpected(
          refuse(fmt::format("cannot read the symlink `{}`: {}", display(next), ec.message())));
    std::deque<fs::path> expanded;
    for (const auto& t : target.relative_path())
      expanded.push_back(t);
    pending.insert(pending.begin(), expanded.begin(), expanded.end());
    if (target.is_absolute()) current = "/";
  }

  current = current.lexically_normal();
  if (current.has_filename() == false && current != current.root_path())
    current = current.parent_path();
  if (contains(current)) return current;
  if (!first_link.empty())
    return tl::make_unexpected(
        refuse(fmt::format("`{}` leads outside the workspace through the symlink `{}` (to {})",
                           given, first_link, current.string())));
  if (input.is_absolute())
    return tl::make_unexpected(
        refuse(fmt::format("`{}` is outside the workspace {}", given, root_.string())));
  return tl::make_unexpected(
      refuse(fmt::format("`{}` climbs out of the workspace with `..`", given)));
}

}  // namespace agentry::tools
