#include "app/config_settings.hpp"

#include <array>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "engine/engine.hpp"

namespace agentry::app {

using nlohmann::json;

namespace {

const engine::EngineLimits kEngineDefaults{};

const std::array<LimitSetting, 2> kLimits = {{
    {"max_steps", kEngineDefaults.max_steps, 1},
    {"max_depth", kEngineDefaults.max_depth, 0},
}};

std::optional<bool> sandbox_value(const json& value) {
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (text == "on") return true;
    if (text == "off") return false;
  }
  if (value.is_object() && value.size() == 1) {
    auto enabled = value.find("enabled");
    if (enabled != value.end() && enabled->is_boolean()) return enabled->get<bool>();
  }
  return std::nullopt;
}

}  // namespace

Result<std::optional<bool>> sandbox_setting(const Config& config) {
  const json* value = config.find("/sandbox");
  if (value == nullptr || value->is_null()) return std::optional<bool>();
  if (auto on = sandbox_value(*value)) return on;
  return fail(ErrorCode::kConfig, fmt::format("`sandbox` is {}", value->dump()),
              config.where("/sandbox"), "write `sandbox: on` or `sandbox: off`");
}

std::span<const LimitSetting> limit_settings() {
  return kLimits;
}

const LimitSetting& limit_named(std::string_view key) {
  for (const auto& limit : kLimits)
    if (limit.key == key) return limit;
  throw std::logic_error(fmt::format("no limit setting named {}", key));
}

Result<std::optional<int>> limit_setting(const Config& config, const LimitSetting& limit) {
  const std::string pointer = fmt::format("/{}", limit.key);
  const json* value = config.find(pointer);
  if (value == nullptr || value->is_null()) return std::optional<int>();
  if (value->is_number_integer()) {
    auto n = value->get<std::int64_t>();
    if (n >= limit.minimum && n <= std::numeric_limits<int>::max())
      return std::optional<int>(static_cast<int>(n));
  }
  return fail(ErrorCode::kConfig, fmt::format("`{}` is {}", limit.key, value->dump()),
              config.where(pointer),
              fmt::format("write a whole number of at least {}", limit.minimum));
}

Result<int> limit_value(const Config& config, const LimitSetting& limit) {
  return limit_setting(config, limit).transform([&](std::optional<int> n) {
    return n.value_or(limit.fallback);
  });
}

}  // namespace agentry::app
