#include "tools/approval_preview.hpp"

#include <fstream>
#include <sstream>

#include "tools/permissions.hpp"
#include "tools/text_diff.hpp"
#include "tools/workspace.hpp"

namespace agentry::tools {

namespace {

std::string current_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The edit applied in memory, or a note on why it cannot be (the tool will say so too).
std::string edited(const std::string& text, const nlohmann::json& args) {
  auto old_s = args.value("old_string", std::string());
  auto new_s = args.value("new_string", std::string());
  if (old_s.empty()) return text;
  std::string out;
  std::size_t pos = 0;
  bool all = args.value("replace_all", false);
  while (true) {
    auto hit = text.find(old_s, pos);
    if (hit == std::string::npos) break;
    out.append(text, pos, hit - pos);
    out += new_s;
    pos = hit + old_s.size();
    if (!all) break;
  }
  out.append(text, pos);
  return out;
}

}  // namespace

std::string approval_preview(const ToolSpec& spec, const nlohmann::json& arguments,
                             const std::filesystem::path& workspace) {
  const auto& name = spec.schema.name;
  if ((name == "write_file" || name == "edit_file") && arguments.contains("path") &&
      arguments["path"].is_string()) {
    auto ws = Workspace::open(workspace);
    if (!ws) return ws.error().message;
    auto path = ws->resolve(arguments["path"].get<std::string>());
    if (!path) return path.error().message;
    std::string before = current_text(*path);
    std::string after = name == "write_file" ? arguments.value("content", std::string())
                                             : edited(before, arguments);
    auto diff = unified_diff(before, after, ws->display(*path));
    return diff.empty() ? "(no change to " + ws->display(*path) + ")" : diff;
  }
  if (auto command = call_command(spec, arguments); !command.empty()) return "$ " + command;
  return arguments.dump(2);
}

}  // namespace agentry::tools
