#pragma once
/// Durations as people write them in task files and flags: "90s", "10m", "1h30m", "500ms".
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace agentry::batch {

/// Parses one or more <number><unit> parts (units ms, s, m, h); a bare number means seconds.
/// nullopt when malformed, zero or beyond a week.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

/// "1h02m", "4m05s", "12.3s", "850ms": short, for progress lines and tables.
std::string format_duration(std::chrono::milliseconds duration);

}  // namespace agentry::batch
