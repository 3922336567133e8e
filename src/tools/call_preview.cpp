#include "tools/call_preview.hpp"

#include <system_error>

#include <fmt/format.h>

#include "tools/capped_text.hpp"
#include "tools/executors.hpp"
#include "tools/permissions.hpp"
#include "tools/text_diff.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kPreviewCap = 16 * 1024;

std::string edit_preview(const nlohmann::json& args, const Workspace& ws) {
  std::string given = args.value("path", std::string());
  auto path = ws.resolve(given);
  if (!path) return fmt::format("edit `{}`: {}", given, path.error().message);
  auto text = read_workspace_file(ws, *path, kMaxWholeFileBytes);
  std::string old_string = args.value("old_string", std::string());
  std::string new_string = args.value("new_string", std::string());
  if (!text || old_string.empty() || text->find(old_string) == std::string::npos)
    return fmt::format("edit `{}`: replace\n{}\nwith\n{}", ws.display(*path), old_string,
                       new_string);
  std::string updated = *text;
  bool all = args.value("replace_all", false);
  for (auto pos = updated.find(old_string); pos != std::string::npos;
       pos = all ? updated.find(old_string, pos + new_string.size()) : std::string::npos)
    updated.replace(pos, old_string.size(), new_string);
  return unified_diff(*text, updated, ws.display(*path));
}

std::string write_preview(const nlohmann::json& args, const Workspace& ws) {
  std::string given = args.value("path", std::string());
  auto path = ws.resolve(given);
  if (!path) return fmt::format("write `{}`: {}", given, path.error().message);
  std::string content = args.value("content", std::string());
  std::error_code ec;
  if (!fs::exists(*path, ec)) return unified_diff("", content, ws.display(*path) + " (new file)");
  auto text = read_workspace_file(ws, *path, kMaxWholeFileBytes);
  std::string diff = unified_diff(text ? *text : std::string(), content, ws.display(*path));
  return diff.empty() ? fmt::format("write `{}`: the content is unchanged", ws.display(*path))
                      : diff;
}

}  // namespace

std::string call_preview(const ToolSpec& spec, const nlohmann::json& arguments,
                         const Workspace& workspace) {
  const std::string& name = spec.schema.name;
  std::string text;
  if (name == "edit_file") {
    text = edit_preview(arguments, workspace);
  } else if (name == "write_file") {
    text = write_preview(arguments, workspace);
  } else if (name == "clippy_fix") {
    text = fmt::format(
        "run `{}` in {}: applies clippy's machine-applicable suggestions to the crate's files",
        call_command(spec, arguments), workspace.root().string());
  } else if (name == "bash") {
    text = fmt::format("run in {} (bash -c, timeout {} s):\n{}", workspace.root().string(),
                       arguments.value("timeout", 120), arguments.value("command", std::string()));
  } else if (name == "rustfmt" && call_writes(spec, arguments)) {
    text = fmt::format("run `cargo fmt --all` in {}: rewrites every file rustfmt would format",
                       workspace.root().string());
  } else if (auto command = call_command(spec, arguments); !command.empty()) {
    text =
        fmt::format("run `{}` in {} with {}", command, workspace.root().string(), arguments.dump());
  } else {
    text = fmt::format("{} {}", name,
                       arguments.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  return cap_text(valid_utf8(text), kPreviewCap);
}

}  // namespace agentry::tools
