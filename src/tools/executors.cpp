#include "tools/executors.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/unique_fd.hpp"

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

bool is_skipped_directory(const fs::path& name) {
  return name == "target" || name == ".git";
}

bool looks_binary(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char buf[8192];
  in.read(buf, sizeof buf);
  return std::memchr(buf, '\0', static_cast<std::size_t>(in.gcount())) != nullptr;
}

Result<std::string> read_whole_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return fail(ErrorCode::kIo, fmt::format("cannot read: {}", std::strerror(errno)),
                file.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<void> write_file_atomically(const fs::path& file, std::string_view content) {
  // Built piecewise: g++ 12 misreports `"." + std::string` under -Wrestrict.
  std::string tmpl = file.parent_path().string();
  tmpl += "/.";
  tmpl += file.filename().string();
  tmpl += ".agentry-XXXXXX";
  UniqueFd fd(::mkstemp(tmpl.data()));
  if (!fd.valid())
    return fail(ErrorCode::kIo,
                fmt::format("cannot create a temporary file: {}", std::strerror(errno)),
                file.parent_path().string());
  struct stat st {};
  mode_t mode = ::stat(file.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
  ::fchmod(fd.get(), mode);
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::unlink(tmpl.c_str());
      return fail(ErrorCode::kIo, fmt::format("cannot write: {}", std::strerror(err)),
                  file.string());
    }
    done += static_cast<std::size_t>(n);
  }
  fd.reset();
  if (::rename(tmpl.c_str(), file.c_str()) != 0) {
    int err = errno;
    ::unlink(tmpl.c_str());
    return fail(ErrorCode::kIo, fmt::format("cannot replace the file: {}", std::strerror(err)),
                file.string());
  }
  return {};
}

}  // namespace agentry::tools
