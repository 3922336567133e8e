#include "tools/executors.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/fd_write.hpp"
#include "core/unique_fd.hpp"
#include "tools/beneath.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;

Result<std::unique_ptr<Tool>> make_executor(ToolSpec spec, SharedServices services) {
  using Factory = std::unique_ptr<Tool> (*)(ToolSpec, SharedServices);
  static const std::map<std::string, Factory, std::less<>> kFactories = {
      {"read_file", make_read_file_tool},
      {"write_file", make_write_file_tool},
      {"edit_file", make_edit_file_tool},
      {"list_files", make_list_files_tool},
      {"glob", make_glob_tool},
      {"grep", make_grep_tool},
      {"cargo_check", make_cargo_tool},
      {"cargo_build", make_cargo_tool},
      {"cargo_clippy", make_cargo_tool},
      {"cargo_test", make_cargo_test_tool},
      {"clippy_fix", make_clippy_fix_tool},
      {"rustfmt", make_rustfmt_tool},
      {"bash", make_bash_tool},
  };
  auto it = kFactories.find(spec.schema.name);
  if (it == kFactories.end())
    return fail(
        ErrorCode::kConfig, fmt::format("agentry has no executor for tool `{}`", spec.schema.name),
        "tools/" + spec.schema.name + ".yaml", "remove the file or rename it to a known tool");
  return it->second(std::move(spec), std::move(services));
}

ToolOutput model_error(std::string text, nlohmann::json details) {
  return ToolOutput{std::move(text), true, std::move(details)};
}

Result<Workspace> open_workspace(const ToolContext& context, const ToolSpec& spec) {
  auto ws = Workspace::open(context.workspace);
  if (!ws) {
    Error e = ws.error();
    e.code = ErrorCode::kTool;
    e.where = spec.schema.name;
    return tl::make_unexpected(e);
  }
  return ws;
}

Result<ReadTarget> resolve_for_reading(const Workspace& workspace, const ToolContext& context,
                                       std::string_view given) {
  auto inside = workspace.resolve(given);
  if (inside || context.read_roots.empty()) {
    if (!inside) return tl::make_unexpected(inside.error());
    return ReadTarget{workspace, std::move(*inside)};
  }
  fs::path absolute{std::string(given)};
  if (absolute.is_relative()) absolute = workspace.root() / absolute;
  for (const auto& root : context.read_roots) {
    auto folder = Workspace::open_read_root(root);
    if (!folder) continue;
    if (auto path = folder->resolve(absolute.string()))
      return ReadTarget{std::move(*folder), std::move(*path)};
  }
  Error refused = inside.error();
  std::string roots;
  for (const auto& root : context.read_roots)
    roots += (roots.empty() ? "" : ", ") + root.string();
  refused.message += fmt::format(" (nor inside the folder of a loaded skill: {})", roots);
  return tl::make_unexpected(std::move(refused));
}

tl::expected<ReadTarget, Result<ToolOutput>> reading_target(const ToolContext& context,
                                                            const ToolSpec& spec,
                                                            std::string_view given) {
  auto workspace = open_workspace(context, spec);
  if (!workspace)
    return tl::make_unexpected(Result<ToolOutput>(tl::make_unexpected(workspace.error())));
  auto target = resolve_for_reading(*workspace, context, given);
  if (!target) return tl::make_unexpected(Result<ToolOutput>(model_error(target.error().message)));
  return std::move(*target);
}

bool is_skipped_directory(const fs::path& name) {
  return name == "target" || name == ".git";
}

Result<ToolOutput> out_of_time_result(const ToolContext& context, const ToolSpec& spec,
                                      std::string_view what) {
  if (context.stop.stop_requested())
    return fail(ErrorCode::kCancelled, "cancelled", spec.schema.name);
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(spec.limits.timeout).count();
  return model_error(fmt::format(
      "`{}` stopped after its time limit of {} s while {}; ask for less (a narrower path, glob "
      "or window)",
      spec.schema.name, seconds, what));
}

namespace {

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

Error model_facing(ErrorCode code, std::string message) {
  return Error(code, std::move(message), "", "");
}

bool escaped(int err) {
  return err == EXDEV || err == ELOOP;
}

/// The descriptor's file, checked to be a regular one.
Result<OpenedFile> regular_file(UniqueFd fd, const std::string& shown) {
  OpenedFile file;
  file.fd = std::move(fd);
  if (::fstat(file.fd.get(), &file.st) != 0)
    return fail(ErrorCode::kIo, fmt::format("cannot read `{}`: {}", shown, std::strerror(errno)));
  if (S_ISDIR(file.st.st_mode))
    return fail(ErrorCode::kIo,
                fmt::format("`{}` is a directory; use list_files to see what it holds", shown));
  if (!S_ISREG(file.st.st_mode))
    return fail(ErrorCode::kIo, fmt::format("`{}` is {}, not a regular file; file tools only read "
                                            "and edit regular files",
                                            shown, kind_of(file.st.st_mode)));
  return file;
}

constexpr int kReadFlags = O_RDONLY | O_NONBLOCK | O_NOCTTY;

}  // namespace

Result<OpenedFile> open_for_reading(const Workspace& workspace, const fs::path& path) {
  std::string shown = workspace.display(path);
  UniqueFd fd = open_beneath(workspace.root_fd(), workspace.relative(path), kReadFlags);
  if (!fd.valid()) {
    int err = errno;
    if (err == ENOENT)
      return tl::make_unexpected(
          model_facing(ErrorCode::kNotFound, fmt::format("`{}` does not exist", shown)));
    if (escaped(err))
      return tl::make_unexpected(
          model_facing(ErrorCode::kPermission, workspace.escaped_message(path)));
    return fail(ErrorCode::kIo, fmt::format("cannot open `{}`: {}", shown, std::strerror(err)));
  }
  return regular_file(std::move(fd), shown);
}

bool looks_binary(int fd) {
  char buf[8192];
  ssize_t n;
  do {
    n = ::pread(fd, buf, sizeof buf, 0);
  } while (n < 0 && errno == EINTR);
  return n > 0 && std::memchr(buf, '\0', static_cast<std::size_t>(n)) != nullptr;
}

Result<std::string> read_bounded(int fd, std::size_t max_bytes, const std::string& shown) {
  std::string out;
  std::size_t want = max_bytes + 1;  // one more tells "larger than the bound" apart
  out.resize(std::min<std::size_t>(want, 64 * 1024));
  std::size_t have = 0;
  for (;;) {
    if (have == out.size()) {
      if (out.size() >= want) break;
      out.resize(std::min(want, out.size() * 2));
    }
    ssize_t n = ::pread(fd, out.data() + have, out.size() - have, static_cast<off_t>(have));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return fail(ErrorCode::kIo, fmt::format("cannot read `{}`: {}", shown, std::strerror(errno)));
    if (n == 0) break;
    have += static_cast<std::size_t>(n);
  }
  if (have > max_bytes)
    return fail(ErrorCode::kIo, fmt::format("`{}` is larger than {} bytes; it is not read whole",
                                            shown, max_bytes));
  out.resize(have);
  return out;
}

Result<std::string> read_workspace_file(const Workspace& workspace, const fs::path& path,
                                        std::size_t max_bytes) {
  auto file = open_for_reading(workspace, path);
  if (!file) return tl::make_unexpected(file.error());
  return read_bounded(file->fd.get(), max_bytes, workspace.display(path));
}

namespace {

std::string temporary_name(const std::string& name) {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device seed;
  std::mt19937 gen(seed());
  std::uniform_int_distribution<std::size_t> pick(0, sizeof kChars - 2);
  std::string tmp = ".";
  tmp += name.substr(0, 200);
  tmp += ".agentry-";
  for (int i = 0; i < 8; ++i)
    tmp += kChars[pick(gen)];
  return tmp;
}

}  // namespace

Result<void> write_file_atomically(const Workspace& workspace, const fs::path& file,
                                   std::string_view content, WriteOptions options) {
  std::string shown = workspace.display(file);
  fs::path rel = workspace.relative(file);
  std::string name = rel.filename().string();
  if (rel.empty() || name.empty() || name == "." || name == "..")
    return tl::make_unexpected(
        model_facing(ErrorCode::kIo, fmt::format("`{}` is a directory", shown)));
  UniqueFd dir =
      open_directory_beneath(workspace.root_fd(), rel.parent_path(), options.create_folders);
  if (!dir.valid()) {
    int err = errno;
    if (escaped(err))
      return tl::make_unexpected(
          model_facing(ErrorCode::kPermission, workspace.escaped_message(file)));
    return tl::make_unexpected(model_facing(
        ErrorCode::kIo,
        fmt::format("cannot {} the folder `{}`: {}", options.create_folders ? "create" : "open",
                    workspace.display(file.parent_path()), std::strerror(err))));
  }
  fs::path where = descriptor_path(dir.get());
  if (where.empty()) where = file.parent_path();
  if (!workspace.contains(where))
    return tl::make_unexpected(
        model_facing(ErrorCode::kPermission, workspace.escaped_message(file)));
  if (!options.may_write_settings && workspace.in_settings_folder(where / name))
    return tl::make_unexpected(model_facing(
        ErrorCode::kPermission,
        fmt::format(
            "`{}` now leads into a settings folder (`{}`): the path changed after the permission "
            "check, and writes there always need a person's approval, so nothing was written",
            shown, workspace.display(where / name))));

  struct stat st {};
  mode_t mode =
      ::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)
          ? (st.st_mode & 07777)
          : 0644;
  std::string tmp;
  UniqueFd out;
  for (int attempt = 0; attempt < 100 && !out.valid(); ++attempt) {
    tmp = temporary_name(name);
    out = UniqueFd(::openat(dir.get(), tmp.c_str(),
                            O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!out.valid() && errno != EEXIST) break;
  }
  if (!out.valid())
    return tl::make_unexpected(
        model_facing(ErrorCode::kIo, fmt::format("cannot create a temporary file beside `{}`: {}",
                                                 shown, std::strerror(errno))));
  ::fchmod(out.get(), mode);
  if (!write_all(out.get(), content)) {
    int err = errno;
    ::unlinkat(dir.get(), tmp.c_str(), 0);
    return tl::make_unexpected(
        model_facing(ErrorCode::kIo, fmt::format("cannot write: {}", std::strerror(err))));
  }
  out.reset();
  if (::renameat(dir.get(), tmp.c_str(), dir.get(), name.c_str()) != 0) {
    int err = errno;
    ::unlinkat(dir.get(), tmp.c_str(), 0);
    return tl::make_unexpected(model_facing(
        ErrorCode::kIo, fmt::format("cannot replace the file: {}", std::strerror(err))));
  }
  return {};
}

ToolOutput write_failure(const Error& error, const std::string& shown) {
  if (error.code == ErrorCode::kPermission) return model_error(error.message);
  return model_error(fmt::format("cannot write `{}`: {}", shown, error.message));
}

}  // namespace agentry::tools
