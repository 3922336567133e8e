// list_files: an indented tree of a workspace folder, depth-bounded and entry-bounded.
#include <algorithm>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "tools/executors.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxEntries = 1000;

class ListFilesTool final : public SpecTool {
 public:
  using SpecTool::SpecTool;

  Result<ToolOutput> run(const nlohmann::json& args, const ToolContext& context) override {
    auto ws = open_workspace(context, spec_);
    if (!ws) return tl::make_unexpected(ws.error());
    auto dir = ws->resolve(args.value("path", std::string(".")));
    if (!dir) return model_error(dir.error().message);
    std::error_code ec;
    if (!fs::is_directory(*dir, ec))
      return model_error(
          fs::exists(*dir, ec)
              ? fmt::format("`{}` is a file, not a folder; use read_file", ws->display(*dir))
              : fmt::format("`{}` does not exist", ws->display(*dir)));
    int depth = args.value("depth", 2);
    State state;
    list(*dir, 0, depth, state);
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

  static void list(const fs::path& dir, int level, int depth, State& state) {
    std::error_code ec;
    std::vector<fs::directory_entry> children;
    for (const auto& e : fs::directory_iterator(dir, ec))
      children.push_back(e);
    std::sort(children.begin(), children.end(), [](const auto& a, const auto& b) {
      return a.path().filename() < b.path().filename();
    });
    std::string indent(static_cast<std::size_t>(level + 1) * 2, ' ');
    for (const auto& child : children) {
      if (state.entries >= kMaxEntries) {
        ++state.omitted;
        continue;
      }
      ++state.entries;
      std::string name = child.path().filename().string();
      bool is_dir = child.is_directory(ec) && !child.is_symlink(ec);
      if (child.is_symlink(ec)) {
        state.text +=
            fmt::format("{}{} -> {}\n", indent, name, fs::read_symlink(child.path(), ec).string());
      } else if (is_dir && is_skipped_directory(child.path().filename())) {
        state.text += fmt::format("{}{}/ (not listed)\n", indent, name);
      } else if (is_dir) {
        state.text += fmt::format("{}{}/\n", indent, name);
        if (level + 1 < depth) list(child.path(), level + 1, depth, state);
      } else if (!child.is_regular_file(ec)) {
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
