// grep: RE2 over workspace files, `path:line:text`, bounded in matches and line length.
#include <fstream>
#include <system_error>

#include <fmt/format.h>
#include <re2/re2.h>

#include "tools/capped_text.hpp"
#include "tools/executors.hpp"
#include "tools/file_walk.hpp"
#include "tools/glob_match.hpp"

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
    auto ws = open_workspace(context, spec_);
    if (!ws) return tl::make_unexpected(ws.error());
    std::string pattern = args.at("pattern");
    RE2::Options options;
    options.set_log_errors(false);
    RE2 re(pattern, options);
    if (!re.ok())
      return model_error(
          fmt::format("`pattern` is not a valid RE2 regular expression: {}; RE2 has "
                      "no backreferences or lookaround",
                      re.error()));
    auto target = ws->resolve(args.value("path", std::string(".")));
    if (!target) return model_error(target.error().message);
    std::string glob = args.value("glob", std::string());
    std::error_code ec;
    if (!fs::exists(*target, ec))
      return model_error(fmt::format("`{}` does not exist", ws->display(*target)));

    std::string out;
    std::size_t total = 0;
    std::size_t files_with_matches = 0;
    std::size_t skipped = 0;
    auto search = [&](const fs::path& file) {
      if (fs::file_size(file, ec) > kMaxFileBytes || looks_binary(file)) {
        ++skipped;
        return;
      }
      std::ifstream in(file, std::ios::binary);
      std::string line;
      std::size_t line_no = 0;
      bool any = false;
      std::string shown = ws->display(file);
      while (std::getline(in, line)) {
        ++line_no;
        if (!RE2::PartialMatch(line, re)) continue;
        any = true;
        if (++total > kMaxMatches) continue;
        std::string text = valid_utf8(line);
        if (text.size() > kMaxLineShown) text = text.substr(0, kMaxLineShown) + " [...]";
        out += fmt::format("{}:{}:{}\n", shown, line_no, text);
      }
      if (any) ++files_with_matches;
    };
    std::size_t searched = 1;
    if (fs::is_directory(*target, ec)) {
      searched = walk_files(*target, [&](const fs::path& file, const std::string& rel) {
        if (file_selected(glob, rel)) search(file);
        return true;
      });
    } else {
      search(*target);
    }
    if (total == 0) {
      out = fmt::format("no matches for `{}` in `{}`{}", pattern, ws->display(*target),
                        glob.empty() ? "" : fmt::format(" (files matching `{}`)", glob));
    } else if (total > kMaxMatches) {
      out +=
          fmt::format("[{} of {} matches shown, in {} files; narrow the pattern, path or glob]\n",
                      kMaxMatches, total, files_with_matches);
    }
    if (skipped > 0) out += fmt::format("[{} binary or oversized files skipped]\n", skipped);
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
