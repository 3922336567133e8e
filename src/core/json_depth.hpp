#pragma once
/// A bound on how deeply JSON read from outside may nest (model streams, tool-call arguments,
/// MCP messages, task files, cargo's output).
///
/// nlohmann::json parses and destroys any depth without recursion, but copying, comparing and
/// dumping a value recurse once per level: a value 100,000 levels deep is accepted and then
/// overflows the stack the first time it is copied. So text is measured before it is parsed,
/// and refused when it nests deeper than kMaxJsonDepth.
#include <cstddef>
#include <string>
#include <string_view>

namespace agentry {

/// Arrays and objects nested deeper than this are refused. Real payloads (tool arguments, JSON
/// schemas, cargo diagnostics) stay under 20.
inline constexpr std::size_t kMaxJsonDepth = 512;

/// The deepest nesting of arrays and objects in `text` (valid JSON or not), counting brackets
/// outside strings; the count stops at `limit` + 1, so the cost is one pass at most.
std::size_t json_nesting_depth(std::string_view text, std::size_t limit = kMaxJsonDepth);

/// True when `text` nests arrays and objects deeper than kMaxJsonDepth.
inline bool json_too_deep(std::string_view text) {
  return json_nesting_depth(text) > kMaxJsonDepth;
}

/// "JSON nested deeper than 512 levels": the words every refusal uses.
std::string json_too_deep_message();

}  // namespace agentry
