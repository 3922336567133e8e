#include "tools/permissions.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "core/text.hpp"
#include "tools/glob_match.hpp"

namespace agentry::tools {

using nlohmann::json;

namespace {

bool is_process_tool(std::string_view name) {
  return name.starts_with("cargo_") || name == "clippy_fix" || name == "rustfmt" || name == "bash";
}

/// The opencode / Claude Code group names that cover `spec` for this call.
std::vector<std::string> groups_of(const ToolSpec& spec, const json& args) {
  const std::string& name = spec.schema.name;
  std::vector<std::string> groups;
  if (call_edits(spec, args)) groups.push_back("edit");
  if (name == "write_file") groups.push_back("write");
  if (is_process_tool(name)) groups.push_back("bash");
  if (name == "read_file") groups.push_back("read");
  if (name == "grep") groups.push_back("grep");
  if (name == "glob") groups.push_back("glob");
  if (name == "list_files") groups.push_back("list");
  return groups;
}

bool is_mcp_tool(std::string_view name) {
  return name.starts_with("mcp__");
}

bool has_wildcard(std::string_view key) {
  return key.find_first_of("*?[{") != std::string_view::npos;
}

}  // namespace

std::string mcp_rule_key(const std::vector<std::string_view>& keys, std::string_view name) {
  std::string_view best;
  for (auto key : keys) {
    if (has_wildcard(key) && glob_match(key, name) && key.size() > best.size()) best = key;
  }
  if (!best.empty()) return std::string(best);
  for (auto key : keys) {
    if (is_mcp_tool(key) && !has_wildcard(key) && name.size() > key.size() + 2 &&
        name.starts_with(key) && name.substr(key.size(), 2) == "__")
      return std::string(key);
  }
  return {};
}

namespace {

Permission stricter(Permission a, Permission b) {
  return static_cast<int>(a) > static_cast<int>(b) ? a : b;
}

/// A rule value: a permission, or (opencode's object form) patterns over the command line or
/// the path, where the most specific (longest) matching pattern wins.
std::optional<Permission> rule_for(const json& value, const std::string& command) {
  if (value.is_string()) return parse_permission(value.get<std::string>());
  if (!value.is_object()) return std::nullopt;
  std::optional<Permission> best;
  std::size_t best_len = 0;
  for (const auto& [pattern, v] : value.items()) {
    if (!v.is_string() || !glob_match(pattern, command)) continue;
    if (!best || pattern.size() >= best_len) {
      best = parse_permission(v.get<std::string>());
      best_len = pattern.size();
    }
  }
  return best;
}

Result<Permission> parse_value(const json& value, const std::string& key,
                               const std::string& where) {
  if (value.is_string())
    if (auto p = parse_permission(value.get<std::string>())) return *p;
  return fail(ErrorCode::kConfig,
              fmt::format("permission for `{}` is {}, not allow, ask or deny", key, value.dump()),
              where);
}

}  // namespace

const char* to_string(Permission p) {
  switch (p) {
    case Permission::kAllow:
      return "allow";
    case Permission::kAsk:
      return "ask";
    case Permission::kDeny:
      return "deny";
  }
  return "deny";
}

std::optional<Permission> parse_permission(std::string_view text) {
  if (text == "allow") return Permission::kAllow;
  if (text == "ask") return Permission::kAsk;
  if (text == "deny") return Permission::kDeny;
  return std::nullopt;
}

bool call_writes(const ToolSpec& spec, const json& arguments) {
  if (!spec.writes) return false;
  if (spec.schema.name == "rustfmt")
    return arguments.value("mode", std::string("check")) == "apply";
  return true;
}

bool call_edits(const ToolSpec& spec, const json& arguments) {
  return spec.schema.name != "bash" && call_writes(spec, arguments);
}

bool call_writes_settings(const ToolSpec& spec, const json& arguments, const Workspace* workspace) {
  if (!call_writes(spec, arguments) || !arguments.is_object()) return false;
  auto path = arguments.find("path");
  if (path == arguments.end() || !path->is_string()) return false;
  const std::string& given = path->get_ref<const std::string&>();
  for (const auto& part : std::filesystem::path(given).lexically_normal())
    if (is_settings_folder_name(part.native())) return true;
  if (workspace == nullptr) return false;
  auto resolved = workspace->resolve(given);
  return resolved && workspace->in_settings_folder(*resolved);
}

std::string call_command(const ToolSpec& spec, const json& arguments) {
  const std::string& name = spec.schema.name;
  if (name.starts_with("cargo_")) return "cargo " + name.substr(6);
  if (name == "clippy_fix") return "cargo clippy --fix";
  if (name == "rustfmt") return call_writes(spec, arguments) ? "cargo fmt" : "cargo fmt --check";
  if (name == "bash" && arguments.is_object())
    if (auto c = arguments.find("command"); c != arguments.end() && c->is_string())
      return c->get<std::string>();
  return {};
}

Result<PermissionPolicy> PermissionPolicy::from_config(const json& section,
                                                       const std::string& where) {
  PermissionPolicy policy;
  if (section.is_null()) return policy;
  if (!section.is_object())
    return fail(ErrorCode::kConfig, "`permissions` must map tool names to allow, ask or deny",
                where);
  for (const auto& [key, value] : section.items()) {
    auto p = parse_value(value, key, where);
    if (!p) return tl::make_unexpected(p.error());
    if (key == "default" || key == "*") {
      policy.config_default_ = *p;
    } else {
      policy.config_[key] = *p;
    }
  }
  return policy;
}

Result<PermissionPolicy> PermissionPolicy::for_agent(const json& permission, std::string_view mode,
                                                     const std::string& where) const {
  auto parsed_mode = parse_agent_permission_mode(mode, where);
  if (!parsed_mode) return tl::make_unexpected(parsed_mode.error());
  PermissionPolicy policy = *this;
  policy.mode_ = *parsed_mode;
  if (permission.is_null()) return policy;
  if (permission.is_string()) {
    // A bare value applies to every tool (opencode allows `permission: ask`).
    auto p = parse_value(permission, "*", where);
    if (!p) return tl::make_unexpected(p.error());
    policy.agent_ = {{"*", permission}};
    return policy;
  }
  if (!permission.is_object())
    return fail(ErrorCode::kConfig, "`permission` must be a mapping of tool to allow, ask or deny",
                where);
  policy.agent_ = json::object();
  for (const auto& [key, value] : permission.items()) {
    if (value.is_object()) {
      for (const auto& [pattern, v] : value.items()) {
        auto p = parse_value(v, key + " " + pattern, where);
        if (!p) return tl::make_unexpected(p.error());
      }
    } else {
      auto p = parse_value(value, key, where);
      if (!p) return tl::make_unexpected(p.error());
    }
    policy.agent_[ascii_lower(key)] = value;
  }
  return policy;
}

Permission PermissionPolicy::decide(const ToolSpec& spec, const json& arguments,
                                    const Workspace* workspace) const {
  return decide(spec, arguments, call_writes_settings(spec, arguments, workspace));
}

Permission PermissionPolicy::decide(const ToolSpec& spec, const json& arguments,
                                    bool writes_settings) const {
  const std::string& name = spec.schema.name;
  bool writes = call_writes(spec, arguments);
  // An MCP server's tool can do anything: it asks unless a rule says otherwise, and a rule may
  // name it, its server (`mcp__memory`) or a pattern (`mcp__memory__*`).
  bool mcp = is_mcp_tool(name);
  auto config_rule = config_.find(name);
  if (mcp && config_rule == config_.end()) {
    std::vector<std::string_view> keys;
    for (const auto& rule : config_)
      keys.emplace_back(rule.first);
    config_rule = config_.find(mcp_rule_key(keys, name));
  }
  if (config_rule != config_.end() && config_rule->second == Permission::kDeny)
    return Permission::kDeny;

  Permission result = writes || mcp ? Permission::kAsk : Permission::kAllow;
  if (config_default_) result = *config_default_;
  if (config_rule != config_.end()) result = config_rule->second;

  // What a rule's patterns match: the command line of a process tool, the path of a file tool
  // (opencode's `edit: {"*": deny, "src/*.rs": allow}`).
  std::string command = call_command(spec, arguments);
  if (command.empty() && arguments.is_object())
    if (auto path = arguments.find("path"); path != arguments.end() && path->is_string())
      command = path->get<std::string>();
  auto it = agent_.find(ascii_lower(name));
  if (mcp && it == agent_.end()) {
    std::vector<std::string_view> keys;
    for (const auto& item : agent_.items())
      if (item.key() != "*") keys.emplace_back(item.key());
    if (auto key = mcp_rule_key(keys, ascii_lower(name)); !key.empty()) it = agent_.find(key);
  }
  if (it != agent_.end()) {
    if (auto p = rule_for(*it, command)) result = *p;
  } else {
    std::optional<Permission> from_groups;
    for (const auto& group : groups_of(spec, arguments)) {
      auto it2 = agent_.find(group);
      if (it2 == agent_.end()) continue;
      if (auto p = rule_for(*it2, command))
        from_groups = from_groups ? stricter(*from_groups, *p) : *p;
    }
    if (!from_groups)
      if (auto star = agent_.find("*"); star != agent_.end())
        from_groups = rule_for(*star, command);
    if (from_groups) result = *from_groups;
  }

  // acceptEdits approves edits, not command lines: `bash` keeps its rule.
  if (mode_ != AgentPermissionMode::kAcceptEdits || call_edits(spec, arguments))
    result = apply_agent_mode(mode_, result, writes || mcp);
  if (result == Permission::kAllow && writes_settings) result = Permission::kAsk;
  return result;
}

}  // namespace agentry::tools
