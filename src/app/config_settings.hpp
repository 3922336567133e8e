#pragma once
/// The settings of the config that guard the machine, each read by one parser that the typed
/// settings (settings.hpp) and the project-trust rules share (so no command and the decision of
/// what a project may set can ever read one value two ways). A value of the wrong
/// shape is a configuration error naming the file:line:col that set it.
#include <optional>
#include <span>
#include <string_view>

#include "core/config.hpp"
#include "core/error.hpp"

namespace agentry::app {

/// `sandbox`: `on`, `off`, `true`, `false` or `{enabled: BOOL}`; nullopt when unset or null.
[[nodiscard]] Result<std::optional<bool>> sandbox_setting(const Config& config);

/// A numeric limit of the config: what a project may lower but not raise.
struct LimitSetting {
  std::string_view key;  ///< top-level key, e.g. "max_steps"
  int fallback;          ///< agentry's default when no config sets it
  int minimum;           ///< the smallest value that makes sense
};

/// Every limit the config sets: max_steps, max_depth.
std::span<const LimitSetting> limit_settings();
/// The limit called `key` (one of limit_settings(); anything else is a programming error).
const LimitSetting& limit_named(std::string_view key);

/// The value of `limit`: an integer of at least limit.minimum; nullopt when unset or null.
[[nodiscard]] Result<std::optional<int>> limit_setting(const Config& config,
                                                       const LimitSetting& limit);

/// The value of `limit`, or its fallback when unset.
[[nodiscard]] Result<int> limit_value(const Config& config, const LimitSetting& limit);

}  // namespace agentry::app
