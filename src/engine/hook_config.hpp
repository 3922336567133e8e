#pragma once
/// Hooks in Claude Code's format: the user's own shell commands that run at points of the agent
/// loop and may block or steer it. Read from agentry's config (`hooks:`), a trusted project's
/// `.claude/settings.json` / `.claude/settings.local.json`, and an agent's `hooks` front-matter
/// (active while that agent runs), all in one shape:
///
///   {"PreToolUse": [{"matcher": "Edit|Write",
///                    "hooks": [{"type": "command", "command": "...", "timeout": 30}]}]}
///
/// This file holds the model and its parser; hooks.hpp runs them.
#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace agentry::engine {

enum class HookEvent {
  kPreToolUse,
  kPostToolUse,
  kUserPromptSubmit,
  kStop,
  kSubagentStop,
  kSessionStart,
  kSessionEnd,
};
inline constexpr std::size_t kHookEventCount = 7;

/// Claude Code's name of the event ("PreToolUse", …).
const char* to_string(HookEvent event);
std::optional<HookEvent> hook_event_named(std::string_view name);

/// One `{"type": "command", "command": …, "timeout": …}`.
struct HookCommand {
  std::string command;  ///< run by /bin/sh -c
  std::chrono::seconds timeout{60};
  std::string source;  ///< where it was configured, for messages ("FILE", "agent NAME")
};

/// One `{"matcher": …, "hooks": […]}` of an event.
struct HookGroup {
  std::string matcher;  ///< as written; "" and "*" match everything
  std::vector<HookCommand> commands;
};

/// Every hook group, by event.
struct HookSet {
  std::array<std::vector<HookGroup>, kHookEventCount> events;

  const std::vector<HookGroup>& of(HookEvent event) const {
    return events[static_cast<std::size_t>(event)];
  }
  bool empty() const;
  /// Appends `other`'s groups after this set's.
  void add(const HookSet& other);
};

struct ParsedHooks {
  HookSet hooks;
  /// What was ignored and why: events agentry has no hook point for, hook types other than
  /// `command`. Each names `source`.
  std::vector<std::string> warnings;
};

/// Parses a `hooks` object as Claude Code writes it. `source` names where it came from in
/// messages ("FILE: hooks", "FILE:LINE:COL"). A value of the wrong shape is a kConfig error
/// naming the key path; null or an empty object is an empty set.
[[nodiscard]] Result<ParsedHooks> parse_hooks(const nlohmann::json& hooks,
                                              const std::string& source);

}  // namespace agentry::engine
