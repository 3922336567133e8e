#include "engine/hook_tools.hpp"

#include <algorithm>
#include <array>
#include <regex>
#include <utility>

namespace agentry::engine {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kClaudeNames = {{
    {"edit_file", "Edit"},
    {"write_file", "Write"},
    {"read_file", "Read"},
    {"bash", "Bash"},
    {"grep", "Grep"},
    {"glob", "Glob"},
    {"list_files", "LS"},
    {"task", "Task"},
}};

bool is_file_tool(std::string_view name) {
  return name == "edit_file" || name == "write_file" || name == "read_file";
}

bool is_name_list(const std::string& matcher) {
  return std::all_of(matcher.begin(), matcher.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == ' ' ||
           c == ',' || c == '|';
  });
}

}  // namespace

std::string claude_tool_name(std::string_view name) {
  for (const auto& [agentry, claude] : kClaudeNames)
    if (agentry == name) return std::string(claude);
  return std::string(name);
}

bool hook_matcher_selects(const std::string& matcher, std::string_view subject) {
  if (matcher.empty() || matcher == "*") return true;
  if (is_name_list(matcher)) {
    std::string_view rest = matcher;
    while (true) {
      auto end = rest.find_first_of("|,");
      std::string_view item = rest.substr(0, end);
      while (!item.empty() && item.front() == ' ')
        item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ')
        item.remove_suffix(1);
      if (!item.empty() && item == subject) return true;
      if (end == std::string_view::npos) return false;
      rest.remove_prefix(end + 1);
    }
  }
  try {
    return std::regex_search(subject.begin(), subject.end(), std::regex(matcher));
  } catch (const std::regex_error&) {
    return false;
  }
}

bool hook_matcher_selects_tool(const std::string& matcher, std::string_view name) {
  return hook_matcher_selects(matcher, claude_tool_name(name)) ||
         hook_matcher_selects(matcher, name);
}

json claude_tool_input(std::string_view name, const json& arguments, const fs::path& workspace) {
  if (!arguments.is_object()) return arguments;
  json input = arguments;
  if (is_file_tool(name)) {
    if (auto path = input.find("path"); path != input.end() && path->is_string()) {
      fs::path file(path->get<std::string>());
      input["file_path"] =
          (file.is_absolute() ? file : workspace / file).lexically_normal().string();
      input.erase("path");
    }
  } else if (name == "bash") {
    if (auto timeout = input.find("timeout"); timeout != input.end() && timeout->is_number())
      *timeout = static_cast<std::int64_t>(timeout->get<double>() * 1000);
  }
  return input;
}

json agentry_tool_input(std::string_view name, const json& input, const fs::path& workspace) {
  if (!input.is_object()) return input;
  json arguments = input;
  if (is_file_tool(name)) {
    if (auto path = arguments.find("file_path"); path != arguments.end() && path->is_string()) {
      fs::path file = fs::path(path->get<std::string>()).lexically_normal();
      fs::path relative = file.lexically_relative(workspace.lexically_normal());
      bool inside = file.is_absolute() && !relative.empty() && *relative.begin() != "..";
      arguments["path"] = (inside ? relative : file).string();
      arguments.erase("file_path");
    }
  } else if (name == "bash") {
    if (auto timeout = arguments.find("timeout");
        timeout != arguments.end() && timeout->is_number())
      *timeout =
          std::max<std::int64_t>(1, static_cast<std::int64_t>(timeout->get<double>() / 1000));
  }
  return arguments;
}

}  // namespace agentry::engine
