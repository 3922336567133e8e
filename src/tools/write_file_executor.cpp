// write_file: create or replace a whole file inside the workspace, atomically.
#include <algorithm>
#include <system_error>

#include <fmt/format.h>

#include "tools/executors.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;

namespace {

std::size_t count_lines(std::string_view text) {
  if (text.empty()) return 0;
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) +
         (text.back() == '\n' ? 0 : 1);
}

class WriteFileTool final : public SpecTool {
 public:
  using SpecTool::SpecTool;

  Result<ToolOutput> run(const nlohmann::json& args, const ToolContext& context) override {
    auto ws = open_workspace(context, spec_);
    if (!ws) return tl::make_unexpected(ws.error());
    auto path = ws->resolve(args.at("path").get<std::string>());
    if (!path) return model_error(path.error().message);
    std::string shown = ws->display(*path);
    std::error_code ec;
    if (*path == ws->root() || fs::is_directory(*path, ec))
      return model_error(fmt::format("`{}` is a directory; give a file path", shown));
    const std::string& content = args.at("content").get_ref<const std::string&>();
    // What was there, for the message: its lines when it is a regular file small enough to
    // count, else its size (never read whole: a FIFO or a sparse 2 GiB file costs nothing).
    bool existed = fs::exists(fs::symlink_status(*path, ec));
    std::string before;
    if (existed) {
      auto old = open_for_reading(*ws, *path);
      if (old && old->st.st_size <= static_cast<off_t>(kMaxWholeFileBytes)) {
        if (auto text = read_bounded(old->fd.get(), kMaxWholeFileBytes, shown))
          before = fmt::format("{} lines", count_lines(*text));
      } else if (old) {
        before = fmt::format("{} bytes", old->st.st_size);
      }
      if (before.empty()) before = "a file that was not read";
    }
    if (auto written = write_file_atomically(
            *ws, *path, content,
            {.create_folders = true, .may_write_settings = context.may_write_settings});
        !written)
      return write_failure(written.error(), shown);
    std::size_t lines = count_lines(content);
    nlohmann::json details = {
        {"path", shown}, {"created", !existed}, {"bytes", content.size()}, {"lines", lines}};
    std::string text =
        existed ? fmt::format("replaced `{}`: {} before, {} lines ({} bytes) now", shown, before,
                              lines, content.size())
                : fmt::format("created `{}`: {} lines ({} bytes)", shown, lines, content.size());
    return ToolOutput{std::move(text), false, std::move(details)};
  }
};

}  // namespace

std::unique_ptr<Tool> make_write_file_tool(ToolSpec spec, SharedServices services) {
  return std::make_unique<WriteFileTool>(std::move(spec), std::move(services));
}

}  // namespace agentry::tools
