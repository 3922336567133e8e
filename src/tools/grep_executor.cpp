// grep: RE2 over workspace files, `path:line:text`, bounded in matches and line length.
#include <chrono>
#include <system_error>

#include <fmt/format.h>
#include <re2/re2.h>

#include "tools/capped_text.hpp"
#include "tools/executors.hpp"
#include "tools/file_walk.hpp"
#include "tools/glob_match.hpp"
#include "tools/line_scan.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxMatches = 200;
constexpr std::size_t kMaxLineShown = 300;
constexpr std::uintmax_t kMaxFileBytes = 10 * 1024 * 1024;

/// A name-only glob (`*.rs`) matches at any depth, as in ripgrep; one with a '/' matches the
/// whole relative path.
bool file_selected(const std::string& glob, const std::string& rel) {
  if (glob.empty()) return true;
  if (glob.find('/') != std::string::npos) return glob_match(glob, rel);
  auto slash = rel.rfind('/');
  return glob_match(glob, slash == std::string::npos ? rel : rel.substr(slash + 1));
}

class GrepTool final : public SpecTool {
 public:
  using SpecTool::SpecTool;

  Result<ToolOutput> run(const nlohmann::json& args, const ToolContext& context) override {
    std::string pattern = args.at("pattern");
    RE2::Options options;
    options.set_log_errors(false);
    RE2 re(pattern, options);
    if (!re.ok())
      return model_error(
          fmt::format("`pattern` is not a valid RE2 regular expression: {}; RE2 has "
                      "no backreferences or lookaround",
                      re.error()));
    auto resolved = reading_target(context, spec_, args.value("path", std::string(".")));
    if (!resolved) return std::move(resolved.error());
    const Workspace* ws = &resolved->workspace;
    const fs::path* target = &resolved->path;
    std::string glob = args.value("glob", std::string());
    std::error_code ec;
    if (!fs::exists(*target, ec))
      return model_error(fmt::format("`{}` does not exist", ws->display(*target)));

    std::string out;
    std::size_t total = 0;
    std::size_t files_with_matches = 0;
    std::size_t skipped = 0;
    bool timed_out = false;
    auto search = [&](const fs::path& file) {
      auto opened = open_for_reading(*ws, file);
      if (!opened || static_cast<std::uintmax_t>(opened->st.st_size) > kMaxFileBytes ||
          looks_binary(opened->fd.get())) {
        ++skipped;
        return;
      }
      LineScan scan(opened->fd.get(), kMaxFileBytes, kMaxFileBytes);
      ScannedLine line;
      std::size_t line_no = 0;
      bool any = false;
      std::string shown = ws->display(file);
      while (scan.next(line)) {
        ++line_no;
        if (line_no % 1024 == 0 && context.out_of_time()) {
          timed_out = true;
          break;
        }
        if (!RE2::PartialMatch(line.text, re)) continue;
        any = true;
        if (++total > kMaxMatches) continue;
        std::string text = valid_utf8(line.text);
        if (text.size() > kMaxLineShown) text = text.substr(0, kMaxLineShown) + " [...]";
        out += fmt::format("{}:{}:{}\n", shown, line_no, text);
      }
      if (any) ++files_with_matches;
    };
    std::size_t searched = 1;
    if (fs::is_directory(*target, ec)) {
      searched = walk_files(*ws, *target, [&](const fs::path& file, const std::string& rel) {
        if (context.out_of_time()) {
          timed_out = true;
          return false;
        }
        if (file_selected(glob, rel)) search(file);
        return !timed_out;
      });
    } else {
      search(*target);
    }
    if (timed_out && context.stop.stop_requested())
      return out_of_time_result(context, spec_, "searching");
    if (total == 0) {
      out = fmt::format("no matches for `{}` in `{}`{}", pattern, ws->display(*target),
                        glob.empty() ? "" : fmt::format(" (files matching `{}`)", glob));
    } else if (total > kMaxMatches) {
      out +=
          fmt::format("[{} of {} matches shown, in {} files; narrow the pattern, path or glob]\n",
                      kMaxMatches, total, files_with_matches);
    }
    if (skipped > 0)
      out += fmt::format("[{} binary, oversized or unreadable files skipped]\n", skipped);
    if (timed_out)
      out += fmt::format(
          "[grep stopped at its time limit of {} s after {} files; what it found so far is above; "
          "narrow the path or glob]\n",
          std::chrono::duration_cast<std::chrono::seconds>(spec_.limits.timeout).count(), searched);
    return ToolOutput{std::move(out),
                      false,
                      {{"matches", total}, {"files", files_with_matches}, {"searched", searched}}};
  }
};

}  // namespace

std::unique_ptr<Tool> make_grep_tool(ToolSpec spec, SharedServices services) {
  return std::make_unique<GrepTool>(std::move(spec), std::move(services));
}

}  // namespace agentry::tools
