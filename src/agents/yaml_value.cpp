#include "agents/yaml_value.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

namespace agentry::agents {

namespace {

bool is_int(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.empty()) return false;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    bool hex = s[1] == 'x';
    for (char c : s.substr(2)) {
      bool ok = hex ? std::isxdigit(static_cast<unsigned char>(c)) != 0 : (c >= '0' && c <= '7');
      if (!ok) return false;
    }
    return true;
  }
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool is_float(std::string_view s) {
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" || s == "+.Inf" || s == "+.INF" ||
      s == "-.inf" || s == "-.Inf" || s == "-.INF" || s == ".nan" || s == ".NaN" || s == ".NAN") {
    return true;
  }
  // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9')
    ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9')
      ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    std::size_t exp = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9')
      ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == s.size();
}

std::optional<double> parse_double(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s.find("inf") != std::string_view::npos || s.find("Inf") != std::string_view::npos ||
      s.find("INF") != std::string_view::npos) {
    return s[0] == '-' ? -std::numeric_limits<double>::infinity()
                       : std::numeric_limits<double>::infinity();
  }
  if (s.find("nan") != std::string_view::npos || s.find("NaN") != std::string_view::npos ||
      s.find("NAN") != std::string_view::npos) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (s[0] == '+') s.remove_prefix(1);
  double out = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return out;
}

}  // namespace

PlainType resolve_plain(std::string_view s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return PlainType::kNull;
  if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE") {
    return PlainType::kBool;
  }
  if (is_int(s)) return PlainType::kInt;
  if (is_float(s)) return PlainType::kFloat;
  return PlainType::kString;
}

std::optional<bool> as_bool(const YamlValue& value) {
  if (!value.is_scalar() || !value.plain || resolve_plain(value.text) != PlainType::kBool) {
    return std::nullopt;
  }
  return value.text[0] == 't' || value.text[0] == 'T';
}

std::optional<double> as_number(const YamlValue& value) {
  if (!value.is_scalar()) return std::nullopt;
  PlainType type = resolve_plain(value.text);
  if (type == PlainType::kFloat) return parse_double(value.text);
  if (type != PlainType::kInt) return std::nullopt;
  std::string_view s = value.text;
  bool negative = !s.empty() && s[0] == '-';
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    base = s[1] == 'x' ? 16 : 8;
    s.remove_prefix(2);
  }
  long long n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n, base);
  if (ec != std::errc{}) return parse_double(value.text);
  return negative ? -static_cast<double>(n) : static_cast<double>(n);
}

const char* type_name(const YamlValue& value) {
  switch (value.kind) {
    case YamlValue::Kind::kNull:
      return "null";
    case YamlValue::Kind::kSequence:
      return "list";
    case YamlValue::Kind::kMapping:
      return "mapping";
    case YamlValue::Kind::kScalar:
      break;
  }
  if (!value.plain) return "string";
  switch (resolve_plain(value.text)) {
    case PlainType::kNull:
      return "null";
    case PlainType::kBool:
      return "boolean";
    case PlainType::kInt:
    case PlainType::kFloat:
      return "number";
    case PlainType::kString:
      return "string";
  }
  return "string";
}

nlohmann::json to_json(const YamlValue& value) {
  switch (value.kind) {
    case YamlValue::Kind::kNull:
      return nullptr;
    case YamlValue::Kind::kSequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : value.items)
        out.push_back(to_json(item));
      return out;
    }
    case YamlValue::Kind::kMapping: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [key, item] : value.entries) {
        if (!out.contains(key.text)) out[key.text] = to_json(item);
      }
      return out;
    }
    case YamlValue::Kind::kScalar:
      break;
  }
  if (!value.plain) return value.text;
  switch (resolve_plain(value.text)) {
    case PlainType::kNull:
      return nullptr;
    case PlainType::kBool:
      return *as_bool(value);
    case PlainType::kInt: {
      long long n = 0;
      auto [end, ec] = std::from_chars(value.text.data(), value.text.data() + value.text.size(), n);
      if (ec == std::errc{} && end == value.text.data() + value.text.size()) return n;
      if (auto d = as_number(value); d && std::isfinite(*d)) return *d;
      return value.text;
    }
    case PlainType::kFloat: {
      auto d = as_number(value);
      if (d && std::isfinite(*d)) return *d;
      return value.text;
    }
    case PlainType::kString:
      return value.text;
  }
  return value.text;
}

}  // namespace agentry::agents
