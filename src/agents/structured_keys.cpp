#include "agents/structured_keys.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include <fmt/format.h>

#include "core/text.hpp"

namespace agentry::agents {

namespace {

using Kind = YamlValue::Kind;

const YamlValue* member(const YamlValue& mapping, std::string_view key) {
  for (const auto& [k, v] : mapping.entries) {
    if (k.text == key) return &v;
  }
  return nullptr;
}

bool is_text(const YamlValue* value) {
  return value != nullptr && value->is_scalar() && !trim(value->text).empty();
}

/// Checks one `{matcher, hooks: [...]}` entry of an event; false after reporting.
bool check_hook_group(const YamlValue& group, const ReportAt& report) {
  if (group.kind != Kind::kMapping) {
    report(Severity::kWarning, group,
           fmt::format("a hook entry must be a mapping with `hooks:` (and `matcher:`), not a {}; "
                       "the agent's hooks are ignored",
                       type_name(group)));
    return false;
  }
  const YamlValue* matcher = member(group, "matcher");
  if (matcher != nullptr && matcher->kind != Kind::kNull && !matcher->is_scalar()) {
    report(Severity::kWarning, *matcher,
           "`matcher` must be a tool name or a regex such as `Edit|Write`; the agent's hooks are "
           "ignored");
    return false;
  }
  const YamlValue* hooks = member(group, "hooks");
  if (hooks == nullptr || hooks->kind != Kind::kSequence) {
    report(Severity::kWarning, hooks != nullptr ? *hooks : group,
           "a hook entry needs `hooks:`, a list of {type: command, command: …}; the agent's "
           "hooks are ignored");
    return false;
  }
  for (const auto& hook : hooks->items) {
    const YamlValue* type = hook.kind == Kind::kMapping ? member(hook, "type") : nullptr;
    const YamlValue* command = hook.kind == Kind::kMapping ? member(hook, "command") : nullptr;
    const YamlValue* prompt = hook.kind == Kind::kMapping ? member(hook, "prompt") : nullptr;
    bool ok = is_text(type) && ((type->text == "command" && is_text(command)) ||
                                (type->text == "prompt" && is_text(prompt)));
    if (!ok) {
      report(Severity::kWarning, hook,
             "a hook must be {type: command, command: \"…\"} (or {type: prompt, prompt: \"…\"}); "
             "the agent's hooks are ignored");
      return false;
    }
  }
  return true;
}

/// A server config: a mapping with a `command` or a `url`.
bool check_server_config(const YamlValue& name, const YamlValue& config, const ReportAt& report) {
  if (config.kind == Kind::kMapping &&
      (is_text(member(config, "command")) || is_text(member(config, "url"))))
    return true;
  report(Severity::kWarning, config,
         fmt::format("MCP server '{}' must be a mapping with a `command` (stdio) or a `url` "
                     "(HTTP); the agent's mcpServers are ignored",
                     name.text));
  return false;
}

bool check_server_mapping(const YamlValue& mapping, const ReportAt& report) {
  return std::all_of(mapping.entries.begin(), mapping.entries.end(), [&](const auto& entry) {
    return check_server_config(entry.first, entry.second, report);
  });
}

}  // namespace

std::vector<std::string> read_skill_names(const YamlValue& value, const ReportAt& report) {
  std::vector<std::string> out;
  auto add = [&out](std::string_view text) {
    std::string_view name = trim(text, kBlanks);
    if (!name.empty()) out.emplace_back(name);
  };
  if (value.is_scalar()) {
    std::string_view rest = value.text;
    for (std::size_t comma; (comma = rest.find(',')) != std::string_view::npos;) {
      add(rest.substr(0, comma));
      rest.remove_prefix(comma + 1);
    }
    add(rest);
  } else if (value.kind == Kind::kSequence) {
    for (const auto& item : value.items) {
      if (item.is_scalar()) {
        add(item.text);
      } else {
        report(Severity::kWarning, item,
               fmt::format("a skill name must be a string, not a {}; ignored", type_name(item)));
      }
    }
  } else if (value.kind == Kind::kMapping) {
    report(Severity::kWarning, value, "`skills` must be a list of skill names; ignored");
  }
  return out;
}

std::optional<nlohmann::json> read_hooks(const YamlValue& value, const ReportAt& report) {
  if (value.kind == Kind::kNull) return std::nullopt;
  if (value.kind != Kind::kMapping) {
    report(Severity::kWarning, value,
           fmt::format("`hooks` must be a mapping of event (PreToolUse, PostToolUse, …) to a "
                       "list of entries, not a {}; ignored",
                       type_name(value)));
    return std::nullopt;
  }
  for (const auto& [event, groups] : value.entries) {
    if (std::find(kHookEvents.begin(), kHookEvents.end(), event.text) == kHookEvents.end()) {
      report(Severity::kWarning, event,
             fmt::format("unknown hook event '{}': Claude Code's are {}; kept, but nothing "
                         "sends it",
                         event.text, fmt::join(kHookEvents, ", ")));
    }
    if (groups.kind != Kind::kSequence) {
      report(Severity::kWarning, groups,
             fmt::format("the hooks of '{}' must be a list of entries, not a {}; the agent's "
                         "hooks are ignored",
                         event.text, type_name(groups)));
      return std::nullopt;
    }
    for (const auto& group : groups.items) {
      if (!check_hook_group(group, report)) return std::nullopt;
    }
  }
  return to_json(value);
}

std::optional<nlohmann::json> read_mcp_servers(const YamlValue& value, const ReportAt& report) {
  if (value.kind == Kind::kNull) return std::nullopt;
  bool ok = true;
  if (value.kind == Kind::kMapping) {
    ok = check_server_mapping(value, report);
  } else if (value.kind == Kind::kSequence) {
    for (const auto& item : value.items) {
      if (item.kind == Kind::kMapping) {
        ok = check_server_mapping(item, report);
      } else if (!is_text(&item)) {
        report(Severity::kWarning, item,
               "an mcpServers entry must be a server's name or {name: config}; the agent's "
               "mcpServers are ignored");
        ok = false;
      }
      if (!ok) break;
    }
  } else if (is_text(&value)) {
    // One name (or a comma-separated line of them), as the `tools` key allows.
    nlohmann::json names = nlohmann::json::array();
    for (const auto& name : read_skill_names(value, report))
      names.push_back(name);
    return names;
  } else {
    report(Severity::kWarning, value, "`mcpServers` must be a list of server names; ignored");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return to_json(value);
}

bool check_permission_mode(const YamlValue& value, const ReportAt& report) {
  static constexpr std::array<std::string_view, 5> kModes = {
      "default", "acceptedits", "bypasspermissions", "plan", "dontask"};
  if (value.kind == Kind::kNull) return true;
  if (value.is_scalar() &&
      std::find(kModes.begin(), kModes.end(), ascii_lower(trim(value.text))) != kModes.end())
    return true;
  report(Severity::kWarning, value,
         fmt::format("permissionMode must be default, acceptEdits, bypassPermissions, plan or "
                     "dontAsk, not '{}': the agent will not run until it is",
                     value.is_scalar() ? value.text : type_name(value)));
  return false;
}

}  // namespace agentry::agents
