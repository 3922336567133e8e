// read_file: numbered lines like `cat -n`, a window of `offset`/`limit`, bounded by output_cap.
#include <fstream>
#include <system_error>

#include <fmt/format.h>

#include "tools/capped_text.hpp"
#include "tools/executors.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxLineChars = 2000;
constexpr long long kDefaultLimit = 2000;

/// What the model sees when a path is missing: the folder's entries help it correct a typo.
std::string missing_file_message(const Workspace& ws, const fs::path& path) {
  std::string msg = fmt::format("`{}` does not exist", ws.display(path));
  std::error_code ec;
  if (!fs::is_directory(path.parent_path(), ec)) return msg;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(path.parent_path(), ec)) {
    names.push_back(e.path().filename().string() + (e.is_directory(ec) ? "/" : ""));
  }
  std::sort(names.begin(), names.end());
  if (names.size() > 20) names.resize(20);
  if (!names.empty())
    msg += fmt::format("; `{}` holds: {}", ws.display(path.parent_path()), fmt::join(names, ", "));
  return msg;
}

class ReadFileTool final : public SpecTool {
 public:
  using SpecTool::SpecTool;

  Result<ToolOutput> run(const nlohmann::json& args, const ToolContext& context) override {
    auto ws = open_workspace(context, spec_);
    if (!ws) return tl::make_unexpected(ws.error());
    auto path = ws->resolve(args.at("path").get<std::string>());
    if (!path) return model_error(path.error().message);
    std::error_code ec;
    if (fs::is_directory(*path, ec))
      return model_error(fmt::format("`{}` is a directory; use list_files to see what it holds",
                                     ws->display(*path)));
    if (!fs::exists(*path, ec)) return model_error(missing_file_message(*ws, *path));
    auto size = fs::file_size(*path, ec);
    if (looks_binary(*path))
      return model_error(fmt::format("`{}` is a binary file ({} bytes); it is not shown",
                                     ws->display(*path), size));
    std::ifstream in(*path, std::ios::binary);
    if (!in) return model_error(fmt::format("`{}` cannot be read", ws->display(*path)));

    long long offset = args.value("offset", 1LL);
    long long limit = args.value("limit", kDefaultLimit);
    std::size_t budget = spec_.limits.output_cap > 256 ? spec_.limits.output_cap - 256 : 256;
    std::string out;
    long long line_no = 0;
    long long last_shown = 0;
    bool budget_hit = false;
    std::string line;
    while (std::getline(in, line)) {
      ++line_no;
      if (line_no < offset || line_no >= offset + limit || budget_hit) continue;
      std::string text = valid_utf8(line);
      if (text.size() > kMaxLineChars)
        text =
            fmt::format("{} [... line cut: {} bytes]", text.substr(0, kMaxLineChars), text.size());
      std::string numbered = fmt::format("{:>6}\t{}\n", line_no, text);
      if (out.size() + numbered.size() > budget && last_shown > 0) {
        budget_hit = true;
        continue;
      }
      out += numbered;
      last_shown = line_no;
    }
    long long total = line_no;
    nlohmann::json details = {
        {"path", ws->display(*path)}, {"total_lines", total}, {"bytes", size}};
    if (total == 0)
      return ToolOutput{fmt::format("[`{}` is empty]", ws->display(*path)), false, details};
    if (offset > total)
      return model_error(fmt::format("offset {} is past the end: `{}` has {} lines", offset,
                                     ws->display(*path), total),
                         details);
    details["first_line"] = offset;
    details["last_line"] = last_shown;
    if (offset > 1 || last_shown < total)
      out +=
          fmt::format("[lines {}-{} of {}{}]", offset, last_shown, total,
                      last_shown < total ? fmt::format("; continue with offset={}", last_shown + 1)
                                         : std::string());
    return ToolOutput{std::move(out), false, std::move(details)};
  }
};

}  // namespace

std::unique_ptr<Tool> make_read_file_tool(ToolSpec spec, SharedServices services) {
  return std::make_unique<ReadFileTool>(std::move(spec), std::move(services));
}

}  // namespace agentry::tools
