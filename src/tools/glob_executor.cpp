// glob: files under a folder whose relative path matches a pattern, sorted, bounded.
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "tools/executors.hpp"
#include "tools/file_walk.hpp"
#include "tools/glob_match.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxResults = 1000;

class GlobTool final : public SpecTool {
 public:
  using SpecTool::SpecTool;

  Result<ToolOutput> run(const nlohmann::json& args, const ToolContext& context) override {
    auto target = reading_target(context, spec_, args.value("path", std::string(".")));
    if (!target) return std::move(target.error());
    const Workspace* ws = &target->workspace;
    const fs::path* dir = &target->path;
    std::error_code ec;
    if (!fs::is_directory(*dir, ec))
      return model_error(fmt::format("`{}` is not a folder", ws->display(*dir)));
    std::string pattern = args.at("pattern");
    if (pattern.starts_with("./")) pattern.erase(0, 2);
    if (pattern.empty()) return model_error("`pattern` is empty; try `**/*.rs`");
    if (pattern.starts_with('/') || pattern.starts_with("../"))
      return model_error("`pattern` must be relative to `path`, e.g. `**/*.rs`");

    std::vector<std::string> found;
    std::size_t total = 0;
    bool timed_out = false;
    walk_files(*ws, *dir, [&](const fs::path&, const std::string& rel) {
      if (context.out_of_time()) {
        timed_out = true;
        return false;
      }
      if (!glob_match(pattern, rel)) return true;
      if (++total <= kMaxResults) found.push_back(rel);
      return true;
    });
    if (timed_out) return out_of_time_result(context, spec_, "walking the folder");
    std::string base = ws->display(*dir);
    std::string out;
    if (found.empty()) {
      out = fmt::format("no files match `{}` under `{}`", pattern, base);
    } else {
      for (const auto& f : found)
        out += (base == "." ? f : base + "/" + f) + "\n";
      if (total > found.size())
        out += fmt::format("[{} of {} matches shown; narrow the pattern]\n", found.size(), total);
    }
    return ToolOutput{std::move(out), false, {{"matches", total}, {"shown", found.size()}}};
  }
};

}  // namespace

std::unique_ptr<Tool> make_glob_tool(ToolSpec spec, SharedServices services) {
  return std::make_unique<GlobTool>(std::move(spec), std::move(services));
}

}  // namespace agentry::tools
