#pragma once
/// A parsed YAML front-matter value, independent of the YAML library that produced it: the cheap
/// line parser and yaml-cpp both produce it, and the normaliser only ever sees this. Positions
/// are in the file as it is on disk.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace agentry::agents {

struct YamlValue {
  enum class Kind { kNull, kScalar, kSequence, kMapping };

  Kind kind = Kind::kNull;
  std::string text;    ///< scalar text (keys are scalars too)
  bool plain = false;  ///< unquoted scalar: may stand for a number, a boolean or null
  int line = 0;        ///< 1-based file position of the value
  int column = 0;
  std::vector<YamlValue> items;                          ///< sequence items
  std::vector<std::pair<YamlValue, YamlValue>> entries;  ///< mapping entries, in file order

  bool is_scalar() const { return kind == Kind::kScalar; }
  bool operator==(const YamlValue&) const = default;
};

/// What an unquoted scalar stands for under the YAML 1.2 core schema.
enum class PlainType { kNull, kBool, kInt, kFloat, kString };
PlainType resolve_plain(std::string_view text);

/// The boolean a scalar stands for (`true`/`false` in the core schema's spellings).
std::optional<bool> as_bool(const YamlValue& value);
/// The number a scalar stands for, quoted or not, when all of its text is one.
std::optional<double> as_number(const YamlValue& value);
/// "null", "boolean", "number", "string", "list" or "mapping": for messages.
const char* type_name(const YamlValue& value);

/// The value as JSON: plain scalars become numbers, booleans or null as YAML reads them.
nlohmann::json to_json(const YamlValue& value);

}  // namespace agentry::agents
