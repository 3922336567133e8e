#pragma once
/// The reasoning effort levels (issue 19): Claude Code's `effort` key and values, shared by the
/// agent loader, the config, the command line and the providers that map them to their wire.
#include <array>
#include <string_view>

namespace agentry {

inline constexpr std::array<std::string_view, 5> kEffortLevels = {"low", "medium", "high", "xhigh",
                                                                  "max"};

/// Whether `text` is one of kEffortLevels.
constexpr bool is_effort_level(std::string_view text) {
  for (auto level : kEffortLevels) {
    if (level == text) return true;
  }
  return false;
}

/// "low, medium, high, xhigh or max": for messages.
inline constexpr std::string_view kEffortChoices = "low, medium, high, xhigh or max";

}  // namespace agentry
