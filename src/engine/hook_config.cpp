#include "engine/hook_config.hpp"

#include <cmath>

#include <fmt/format.h>

namespace agentry::engine {

using nlohmann::json;

namespace {

constexpr std::array<const char*, kHookEventCount> kEventNames = {
    "PreToolUse",   "PostToolUse",  "UserPromptSubmit", "Stop",
    "SubagentStop", "SessionStart", "SessionEnd"};

constexpr double kMaxTimeoutSeconds = 3600;

std::string shown(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

Error shape_error(const std::string& source, const std::string& path, const json& value,
                  std::string expected) {
  return Error(ErrorCode::kConfig, fmt::format("`{}` is {}", path, shown(value)), source,
               std::move(expected));
}

}  // namespace

const char* to_string(HookEvent event) {
  return kEventNames[static_cast<std::size_t>(event)];
}

std::optional<HookEvent> hook_event_named(std::string_view name) {
  for (std::size_t i = 0; i < kEventNames.size(); ++i)
    if (name == kEventNames[i]) return static_cast<HookEvent>(i);
  return std::nullopt;
}

bool HookSet::empty() const {
  for (const auto& groups : events)
    if (!groups.empty()) return false;
  return true;
}

void HookSet::add(const HookSet& other) {
  for (std::size_t i = 0; i < events.size(); ++i)
    events[i].insert(events[i].end(), other.events[i].begin(), other.events[i].end());
}

Result<ParsedHooks> parse_hooks(const json& hooks, const std::string& source) {
  ParsedHooks out;
  if (hooks.is_null()) return out;
  const std::string example =
      R"(write {"PreToolUse": [{"matcher": "Edit|Write", "hooks": [{"type": "command", )"
      R"("command": "..."}]}]})";
  if (!hooks.is_object()) return tl::make_unexpected(shape_error(source, "hooks", hooks, example));
  for (const auto& [name, groups] : hooks.items()) {
    const std::string path = fmt::format("hooks.{}", name);
    auto event = hook_event_named(name);
    if (!event) {
      out.warnings.push_back(
          fmt::format("{}: ignored the `{}` hooks: agentry runs hooks on {} only", source, name,
                      fmt::join(kEventNames, ", ")));
      continue;
    }
    if (groups.is_null()) continue;
    if (!groups.is_array()) return tl::make_unexpected(shape_error(source, path, groups, example));
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const json& group = groups[g];
      const std::string at = fmt::format("{}[{}]", path, g);
      if (!group.is_object()) return tl::make_unexpected(shape_error(source, at, group, example));
      HookGroup parsed;
      if (auto matcher = group.find("matcher"); matcher != group.end() && !matcher->is_null()) {
        if (!matcher->is_string())
          return tl::make_unexpected(shape_error(source, at + ".matcher", *matcher,
                                                 "write a tool name or a regex, e.g. Edit|Write"));
        parsed.matcher = matcher->get<std::string>();
      }
      auto commands = group.find("hooks");
      if (commands == group.end() || !commands->is_array())
        return tl::make_unexpected(shape_error(
            source, at + ".hooks", commands == group.end() ? json() : *commands, example));
      for (std::size_t c = 0; c < commands->size(); ++c) {
        const json& hook = (*commands)[c];
        const std::string hook_at = fmt::format("{}.hooks[{}]", at, c);
        if (!hook.is_object())
          return tl::make_unexpected(shape_error(source, hook_at, hook, example));
        auto type_at = hook.find("type");
        std::string type = type_at == hook.end() || type_at->is_null() ? "command"
                           : type_at->is_string()                      ? type_at->get<std::string>()
                                                                       : shown(*type_at);
        if (type != "command") {
          out.warnings.push_back(
              fmt::format("{}: ignored the hook at {}: its type is `{}`, and agentry runs "
                          "`command` hooks only",
                          source, hook_at, type));
          continue;
        }
        auto command = hook.find("command");
        if (command == hook.end() || !command->is_string() ||
            command->get_ref<const std::string&>().empty())
          return tl::make_unexpected(shape_error(source, hook_at + ".command",
                                                 command == hook.end() ? json() : *command,
                                                 "write the shell command to run"));
        HookCommand parsed_command{command->get<std::string>(), std::chrono::seconds(60), source};
        if (auto timeout = hook.find("timeout"); timeout != hook.end() && !timeout->is_null()) {
          double seconds = timeout->is_number() ? timeout->get<double>() : -1;
          if (!(seconds > 0 && seconds <= kMaxTimeoutSeconds))
            return tl::make_unexpected(
                shape_error(source, hook_at + ".timeout", *timeout,
                            "write the seconds the command may take, e.g. 30 (at most 3600)"));
          parsed_command.timeout = std::chrono::seconds(static_cast<long>(std::ceil(seconds)));
        }
        parsed.commands.push_back(std::move(parsed_command));
      }
      if (!parsed.commands.empty())
        out.hooks.events[static_cast<std::size_t>(*event)].push_back(std::move(parsed));
    }
  }
  return out;
}

}  // namespace agentry::engine
