// read_file: numbered lines like `cat -n`, a window of `offset`/`limit`, bounded by output_cap.
#include <algorithm>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>

#include <fmt/format.h>

#include "core/unique_fd.hpp"
#include "tools/beneath.hpp"
#include "tools/capped_text.hpp"
#include "tools/executors.hpp"
#include "tools/file_walk.hpp"
#include "tools/line_scan.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxLineChars = 2000;
constexpr long long kDefaultLimit = 2000;
/// read_file reads at most this much of a file to reach the window asked for...
constexpr std::uint64_t kMaxScanBytes = 64 * 1024 * 1024;
/// ...and past the window goes on counting lines only up to this much.
constexpr std::uint64_t kCountBytes = 8 * 1024 * 1024;

/// What the model sees when a path is missing: the folder's entries help it correct a typo.
/// The folder is read beneath the workspace root, like the file would have been.
std::string missing_file_message(const Workspace& ws, const fs::path& path) {
  std::string msg = fmt::format("`{}` does not exist", ws.display(path));
  UniqueFd dir =
      open_beneath(ws.root_fd(), ws.relative(path.parent_path()), O_RDONLY | O_DIRECTORY);
  if (!dir.valid()) return msg;
  std::vector<std::string> names;
  for (auto& name : folder_entries(dir.get())) {
    struct stat st {};
    bool is_dir = ::fstatat(dir.get(), name.c_str(), &st, 0) == 0 && S_ISDIR(st.st_mode);
    names.push_back(std::move(name) + (is_dir ? "/" : ""));
    if (names.size() == 20) break;
  }
  if (!names.empty())
    msg += fmt::format("; `{}` holds: {}", ws.display(path.parent_path()), fmt::join(names, ", "));
  return msg;
}

class ReadFileTool final : public SpecTool {
 public:
  using SpecTool::SpecTool;

  Result<ToolOutput> run(const nlohmann::json& args, const ToolContext& context) override {
    auto target = reading_target(context, spec_, args.at("path").get<std::string>());
    if (!target) return std::move(target.error());
    const Workspace* ws = &target->workspace;
    const fs::path* path = &target->path;
    std::string shown = ws->display(*path);
    std::error_code ec;
    if (fs::is_directory(*path, ec))
      return model_error(
          fmt::format("`{}` is a directory; use list_files to see what it holds", shown));
    auto file = open_for_reading(*ws, *path);
    if (!file)
      return model_error(file.error().code == ErrorCode::kNotFound
                             ? missing_file_message(*ws, *path)
                             : file.error().message);
    auto size = static_cast<std::uint64_t>(file->st.st_size);
    if (looks_binary(file->fd.get()))
      return model_error(
          fmt::format("`{}` is a binary file ({} bytes); it is not shown", shown, size));

    long long offset = args.value("offset", 1LL);
    long long limit = args.value("limit", kDefaultLimit);
    std::size_t budget = spec_.limits.output_cap > 256 ? spec_.limits.output_cap - 256 : 256;
    std::string out;
    long long line_no = 0;
    long long last_shown = 0;
    bool window_done = false;
    bool stopped_counting = false;
    LineScan scan(file->fd.get(), kMaxLineChars + 8, kMaxScanBytes);
    ScannedLine line;
    while (scan.next(line)) {
      ++line_no;
      if (line_no % 1024 == 0 && context.out_of_time())
        return out_of_time_result(context, spec_, fmt::format("reading `{}`", shown));
      if (window_done || line_no >= offset + limit) {
        // Past the window: the lines are only counted, and only while that is cheap.
        window_done = true;
        if (scan.bytes_read() >= kCountBytes) {
          stopped_counting = true;
          break;
        }
        continue;
      }
      if (line_no < offset) continue;
      std::string text = valid_utf8(line.text);
      if (line.bytes > kMaxLineChars || text.size() > kMaxLineChars)
        text = fmt::format("{} [... line cut: {} bytes]", text.substr(0, kMaxLineChars),
                           std::max<std::uint64_t>(line.bytes, text.size()));
      std::string numbered = numbered_line(line_no, text);
      if (out.size() + numbered.size() > budget && last_shown > 0) {
        window_done = true;
        continue;
      }
      out += numbered;
      last_shown = line_no;
    }
    if (scan.error() != 0)
      return model_error(fmt::format("`{}` cannot be read: {}", shown,
                                     std::generic_category().message(scan.error())));
    // Whether every line was counted: the scan reached the end of the file.
    bool exact = !stopped_counting && (!scan.stopped_early() || scan.bytes_read() >= size);
    long long total = line_no;
    nlohmann::json details = {
        {"path", shown}, {"total_lines", total}, {"total_lines_exact", exact}, {"bytes", size}};
    if (total == 0) return ToolOutput{fmt::format("[`{}` is empty]", shown), false, details};
    if (offset > total) {
      if (exact)
        return model_error(
            fmt::format("offset {} is past the end: `{}` has {} lines", offset, shown, total),
            details);
      return model_error(
          fmt::format("offset {} is past what read_file reads of `{}`: it reads at most the first "
                      "{} bytes of a file ({} lines here; the file has {} bytes); use grep to find "
                      "the lines you need",
                      offset, shown, kMaxScanBytes, total, size),
          details);
    }
    details["first_line"] = offset;
    details["last_line"] = last_shown;
    if (offset > 1 || last_shown < total || !exact) {
      std::string of =
          exact ? std::to_string(total) : fmt::format("at least {} ({} bytes in all)", total, size);
      out += fmt::format("[lines {}-{} of {}{}]", offset, last_shown, of,
                         last_shown < total || !exact
                             ? fmt::format("; continue with offset={}", last_shown + 1)
                             : std::string());
    }
    return ToolOutput{std::move(out), false, std::move(details)};
  }
};

}  // namespace

std::unique_ptr<Tool> make_read_file_tool(ToolSpec spec, SharedServices services) {
  return std::make_unique<ReadFileTool>(std::move(spec), std::move(services));
}

}  // namespace agentry::tools
