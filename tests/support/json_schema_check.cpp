#include "support/json_schema_check.hpp"

#include <set>

namespace agentry::testing {

namespace {

using nlohmann::json;

const std::set<std::string> kAnnotations = {"description", "title",    "$schema",
                                            "$id",         "$comment", "$defs"};
const std::set<std::string> kKeywords = {
    "$ref",  "oneOf",   "type",       "const",    "enum",
    "items", "minimum", "properties", "required", "additionalProperties"};

class Checker {
 public:
  Checker(const json& root, bool strict) : root_(root), strict_(strict) {}

  void check(const json& schema, const json& value, const std::string& path,
             std::vector<std::string>& out) const {
    if (!schema.is_object()) return;  // `{}` and `true` accept anything
    for (const auto& [key, _] : schema.items()) {
      if (!kKeywords.count(key) && !kAnnotations.count(key))
        out.push_back(path + ": the schema uses the unsupported keyword " + key);
    }
    if (auto ref = schema.find("$ref"); ref != schema.end()) check_ref(*ref, value, path, out);
    if (auto one = schema.find("oneOf"); one != schema.end()) check_one_of(*one, value, path, out);
    if (auto type = schema.find("type"); type != schema.end() && !type_matches(*type, value)) {
      out.push_back(path + ": expected type " + type->dump() + ", got " + value.dump());
      return;
    }
    if (auto c = schema.find("const"); c != schema.end() && *c != value)
      out.push_back(path + ": expected " + c->dump() + ", got " + value.dump());
    if (auto e = schema.find("enum"); e != schema.end()) {
      bool found = false;
      for (const auto& option : *e)
        found = found || option == value;
      if (!found) out.push_back(path + ": " + value.dump() + " is not one of " + e->dump());
    }
    if (auto m = schema.find("minimum");
        m != schema.end() && value.is_number() && value.get<double>() < m->get<double>())
      out.push_back(path + ": " + value.dump() + " is below the minimum " + m->dump());
    if (auto items = schema.find("items"); items != schema.end() && value.is_array()) {
      for (std::size_t i = 0; i < value.size(); ++i)
        check(*items, value[i], path + "[" + std::to_string(i) + "]", out);
    }
    if (value.is_object()) check_object(schema, value, path, out);
  }

 private:
  void check_ref(const json& ref, const json& value, const std::string& path,
                 std::vector<std::string>& out) const {
    std::string target = ref.get<std::string>();
    const std::string prefix = "#/$defs/";
    if (target.rfind(prefix, 0) != 0 || !root_.contains("$defs") ||
        !root_["$defs"].contains(target.substr(prefix.size()))) {
      out.push_back(path + ": unresolvable $ref " + target);
      return;
    }
    check(root_["$defs"][target.substr(prefix.size())], value, path, out);
  }

  void check_one_of(const json& branches, const json& value, const std::string& path,
                    std::vector<std::string>& out) const {
    int matched = 0;
    std::vector<std::string> closest;
    bool first = true;
    for (const auto& branch : branches) {
      std::vector<std::string> problems;
      check(branch, value, path, problems);
      if (problems.empty()) {
        ++matched;
      } else if (first || problems.size() < closest.size()) {
        closest = std::move(problems);
        first = false;
      }
    }
    if (matched == 1) return;
    if (matched > 1) {
      out.push_back(path + ": matches " + std::to_string(matched) + " oneOf branches");
      return;
    }
    out.push_back(path + ": matches no oneOf branch; the closest one says:");
    out.insert(out.end(), closest.begin(), closest.end());
  }

  void check_object(const json& schema, const json& value, const std::string& path,
                    std::vector<std::string>& out) const {
    static const json kNone = json::object();
    const json& properties = schema.contains("properties") ? schema["properties"] : kNone;
    if (auto required = schema.find("required"); required != schema.end()) {
      for (const auto& name : *required) {
        if (!value.contains(name.get<std::string>()))
          out.push_back(path + ": the member " + name.dump() + " is missing");
      }
    }
    auto additional = schema.find("additionalProperties");
    bool closed = (additional != schema.end() && *additional == false) ||
                  (strict_ && additional == schema.end() && schema.contains("properties"));
    for (const auto& [key, member] : value.items()) {
      std::string at = path + "." + key;
      if (properties.contains(key)) {
        check(properties[key], member, at, out);
      } else if (closed) {
        out.push_back(at + ": not in the schema");
      } else if (additional != schema.end() && additional->is_object()) {
        check(*additional, member, at, out);
      }
    }
  }

  static bool one_type(const std::string& type, const json& value) {
    if (type == "object") return value.is_object();
    if (type == "array") return value.is_array();
    if (type == "string") return value.is_string();
    if (type == "boolean") return value.is_boolean();
    if (type == "null") return value.is_null();
    if (type == "number") return value.is_number();
    if (type == "integer")
      return value.is_number_integer() ||
             (value.is_number_float() &&
              value.get<double>() == static_cast<double>(value.get<long long>()));
    return false;
  }

  static bool type_matches(const json& type, const json& value) {
    if (type.is_string()) return one_type(type.get<std::string>(), value);
    for (const auto& t : type) {
      if (one_type(t.get<std::string>(), value)) return true;
    }
    return false;
  }

  const json& root_;
  bool strict_;
};

}  // namespace

std::vector<std::string> schema_problems(const json& schema, const json& value, bool strict) {
  std::vector<std::string> out;
  Checker(schema, strict).check(schema, value, "$", out);
  return out;
}

}  // namespace agentry::testing
