// list_files: an indented tree of a workspace folder, depth-bounded and entry-bounded.
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>

#include "core/unique_fd.hpp"
#include "tools/beneath.hpp"
#include "tools/executors.hpp"
#include "tools/file_walk.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxEntries = 1000;

class ListFilesTool final : public SpecTool {
 public:
  using SpecTool::SpecTool;

  Result<ToolOutput> run(const nlohmann::json& args, const ToolContext& context) override {
    auto target = reading_target(context, spec_, args.value("path", std::string(".")));
    if (!target) return std::move(target.error());
    const Workspace* ws = &target->workspace;
    const fs::path* dir = &target->path;
    std::error_code ec;
    if (!fs::is_directory(*dir, ec))
      return model_error(
          fs::exists(*dir, ec)
              ? fmt::format("`{}` is a file, not a folder; use read_file", ws->display(*dir))
              : fmt::format("`{}` does not exist", ws->display(*dir)));
    int depth = args.value("depth", 2);
    State state;
    UniqueFd start = open_beneath(ws->root_fd(), ws->relative(*dir), O_RDONLY | O_DIRECTORY);
    if (int err = errno; !start.valid())
      return model_error(err == EXDEV || err == ELOOP
                             ? ws->escaped_message(*dir)
                             : fmt::format("`{}` cannot be listed: {}", ws->display(*dir),
                                           std::generic_category().message(err)));
    list(start.get(), 0, depth, state);
    std::string out = fmt::format("{}/\n{}", ws->display(*dir), state.text);
    if (state.omitted > 0)
      out += fmt::format("[... {} more entries not shown; list a subfolder]\n", state.omitted);
    if (state.special > 0)
      out += fmt::format("[{} FIFOs, sockets or devices not listed]\n", state.special);
    if (state.entries == 0) out += "  (empty)\n";
    return ToolOutput{
        std::move(out),
        false,
        {{"path", ws->display(*dir)}, {"entries", state.entries}, {"omitted", state.omitted}}};
  }

 private:
  struct State {
    std::string text;
    std::size_t entries = 0;
    std::size_t omitted = 0;
    std::size_t special = 0;  ///< FIFOs, sockets and devices, left out
  };

  /// Lists the folder open as `dirfd`, entering subfolders with O_NOFOLLOW (never a link).
  static void list(int dirfd, int level, int depth, State& state) {
    std::string indent(static_cast<std::size_t>(level + 1) * 2, ' ');
    for (const auto& name : folder_entries(dirfd)) {
      if (state.entries >= kMaxEntries) {
        ++state.omitted;
        continue;
      }
      struct stat st {};
      if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      ++state.entries;
      if (S_ISLNK(st.st_mode)) {
        std::string target(4096, '\0');
        ssize_t n = ::readlinkat(dirfd, name.c_str(), target.data(), target.size());
        target.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
        state.text += fmt::format("{}{} -> {}\n", indent, name, target);
      } else if (S_ISDIR(st.st_mode) && is_skipped_directory(name)) {
        state.text += fmt::format("{}{}/ (not listed)\n", indent, name);
      } else if (S_ISDIR(st.st_mode)) {
        state.text += fmt::format("{}{}/\n", indent, name);
        if (level + 1 >= depth) continue;
        UniqueFd sub(
            ::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (sub.valid()) list(sub.get(), level + 1, depth, state);
      } else if (!S_ISREG(st.st_mode)) {
        --state.entries;  // a FIFO, socket or device: nothing a file tool can open
        ++state.special;
      } else {
        state.text += fmt::format("{}{}\n", indent, name);
      }
    }
  }
};

}  // namespace

std::unique_ptr<Tool> make_list_files_tool(ToolSpec spec, SharedServices services) {
  return std::make_unique<ListFilesTool>(std::move(spec), std::move(services));
}

}  // namespace agentry::tools
