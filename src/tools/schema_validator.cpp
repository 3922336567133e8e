#include "tools/schema_validator.hpp"

#include <array>
#include <cmath>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace agentry::tools {

using nlohmann::json;

namespace {

constexpr std::array<std::string_view, 6> kTypes = {"object", "string",  "integer",
                                                    "number", "boolean", "array"};
constexpr std::array<std::string_view, 11> kKeywords = {
    "type",        "properties", "required", "additionalProperties",
    "enum",        "items",      "minimum",  "maximum",
    "description", "default",    "title"};

bool has_type(const json& value, std::string_view type) {
  if (type == "object") return value.is_object();
  if (type == "string") return value.is_string();
  if (type == "boolean") return value.is_boolean();
  if (type == "array") return value.is_array();
  if (type == "number") return value.is_number();
  if (type == "integer") {
    if (value.is_number_integer()) return true;
    if (!value.is_number_float()) return false;
    double d = value.get<double>();
    return std::isfinite(d) && std::floor(d) == d;
  }
  return false;
}

const char* article(std::string_view type) {
  return (type == "object" || type == "integer" || type == "array") ? "an" : "a";
}

/// A short rendering of what the model sent, for "(got ...)".
std::string shown(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

std::string name_of(const std::string& path) {
  return path.empty() ? "the input" : "`" + path + "`";
}

void validate(const json& schema, const json& value, const std::string& path,
              std::vector<std::string>& problems) {
  if (auto t = schema.find("type"); t != schema.end() && t->is_string()) {
    std::string type = *t;
    if (!has_type(value, type)) {
      problems.push_back(fmt::format("{} must be {} {} (got {})", name_of(path), article(type),
                                     type, shown(value)));
      return;
    }
  }
  if (auto e = schema.find("enum"); e != schema.end() && e->is_array()) {
    if (std::find(e->begin(), e->end(), value) == e->end()) {
      std::vector<std::string> options;
      for (const auto& option : *e)
        options.push_back(shown(option));
      problems.push_back(fmt::format("{} must be one of {} (got {})", name_of(path),
                                     fmt::join(options, ", "), shown(value)));
    }
  }
  if (value.is_number()) {
    double v = value.get<double>();
    if (auto m = schema.find("minimum");
        m != schema.end() && m->is_number() && v < m->get<double>())
      problems.push_back(
          fmt::format("{} must be >= {} (got {})", name_of(path), m->dump(), shown(value)));
    if (auto m = schema.find("maximum");
        m != schema.end() && m->is_number() && v > m->get<double>())
      problems.push_back(
          fmt::format("{} must be <= {} (got {})", name_of(path), m->dump(), shown(value)));
  }
  if (value.is_array()) {
    if (auto items = schema.find("items"); items != schema.end() && items->is_object()) {
      for (std::size_t i = 0; i < value.size(); ++i)
        validate(*items, value[i], fmt::format("{}[{}]", path, i), problems);
    }
  }
  if (!value.is_object()) return;
  static const json kEmpty = json::object();
  const json& properties = schema.contains("properties") ? schema["properties"] : kEmpty;
  if (auto required = schema.find("required"); required != schema.end() && required->is_array()) {
    for (const auto& key : *required) {
      if (key.is_string() && !value.contains(key.get<std::string>()))
        problems.push_back(fmt::format(
            "{} is required",
            name_of(path.empty() ? key.get<std::string>() : path + "." + key.get<std::string>())));
    }
  }
  bool closed = schema.value("additionalProperties", true) == false;
  for (const auto& [key, item] : value.items()) {
    std::string child = path.empty() ? key : path + "." + key;
    if (auto p = properties.find(key); p != properties.end()) {
      validate(*p, item, child, problems);
    } else if (closed) {
      std::vector<std::string> allowed;
      for (const auto& [name, _] : properties.items())
        allowed.push_back(name);
      problems.push_back(fmt::format("{} is not a parameter (allowed: {})", name_of(child),
                                     fmt::join(allowed, ", ")));
    }
  }
}

Result<void> check(const json& schema, const std::string& path, const std::string& where) {
  auto bad = [&](const std::string& what) {
    return fail(ErrorCode::kConfig,
                fmt::format("schema {}: {}", path.empty() ? "root" : path, what), where,
                "tool schemas may use only: type, properties, required, "
                "additionalProperties (false), enum, items, minimum, maximum, description, "
                "default, title");
  };
  if (!schema.is_object()) return bad("must be an object");
  for (const auto& [key, value] : schema.items()) {
    if (std::find(kKeywords.begin(), kKeywords.end(), key) == kKeywords.end())
      return bad(fmt::format("unsupported keyword `{}`", key));
    if (key == "type" &&
        (!value.is_string() ||
         std::find(kTypes.begin(), kTypes.end(), value.get<std::string>()) == kTypes.end()))
      return bad(fmt::format("unsupported type {}", value.dump()));
    if (key == "additionalProperties" && value != false)
      return bad("additionalProperties may only be false");
    if ((key == "minimum" || key == "maximum") && !value.is_number())
      return bad(fmt::format("{} must be a number", key));
    if ((key == "enum" || key == "required") && !value.is_array())
      return bad(fmt::format("{} must be an array", key));
  }
  if (!schema.contains("type")) return bad("every schema needs a `type`");
  if (auto p = schema.find("properties"); p != schema.end()) {
    if (!p->is_object()) return bad("properties must be an object");
    for (const auto& [name, sub] : p->items()) {
      auto r = check(sub, path.empty() ? name : path + "." + name, where);
      if (!r) return r;
    }
  }
  if (auto r = schema.find("required"); r != schema.end()) {
    for (const auto& name : *r) {
      if (!name.is_string() || !schema.contains("properties") ||
          !schema["properties"].contains(name.get<std::string>()))
        return bad(fmt::format("required names {} which is not a property", name.dump()));
    }
  }
  if (auto items = schema.find("items"); items != schema.end())
    return check(*items, path + "[]", where);
  return {};
}

}  // namespace

std::optional<std::string> validate_arguments(const json& schema, const json& value) {
  std::vector<std::string> problems;
  validate(schema, value, "", problems);
  if (problems.empty()) return std::nullopt;
  return fmt::format("rewrite your input: {}", fmt::join(problems, "; "));
}

Result<void> check_schema(const json& schema, const std::string& where) {
  return check(schema, "", where);
}

}  // namespace agentry::tools
