#include "tools/tool_spec_loader.hpp"

#include <algorithm>
#include <charconv>
#include <regex>
#include <system_error>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/yaml_error.hpp"
#include "tools/schema_validator.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// YAML scalars are untyped text; plain ones get the JSON type they spell, quoted ones stay text.
json scalar_to_json(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return text;
  if (text == "true") return true;
  if (text == "false") return false;
  if (text == "null" || text == "~" || text.empty()) return nullptr;
  const char* end = text.data() + text.size();
  long long integer = 0;
  if (auto [p, ec] = std::from_chars(text.data(), end, integer); ec == std::errc() && p == end)
    return integer;
  double real = 0;
  if (auto [p, ec] = std::from_chars(text.data(), end, real); ec == std::errc() && p == end)
    return real;
  return text;
}

json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node)
        out[kv.first.as<std::string>()] = yaml_to_json(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node)
        out.push_back(yaml_to_json(item));
      return out;
    }
    case YAML::NodeType::Scalar:
      return scalar_to_json(node);
    default:
      return nullptr;
  }
}

Error bad(const fs::path& file, const std::string& message, const std::string& hint = {}) {
  return Error(ErrorCode::kConfig, message, file.string(), hint);
}

}  // namespace

Result<ToolSpec> load_tool_spec(const fs::path& file) {
  json doc;
  try {
    doc = yaml_to_json(YAML::LoadFile(file.string()));
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::kConfig, yaml_error_message(e),
                fmt::format("{}:{}:{}", file.string(), e.mark.line + 1, e.mark.column + 1));
  }
  if (!doc.is_object()) return tl::make_unexpected(bad(file, "a tool file must be a YAML mapping"));
  for (const auto& [key, _] : doc.items()) {
    if (key != "name" && key != "description" && key != "parameters" && key != "limits" &&
        key != "writes")
      return tl::make_unexpected(bad(file, fmt::format("unknown key `{}`", key),
                                     "keys: name, description, parameters, limits, writes"));
  }
  ToolSpec spec;
  if (!doc.contains("name") || !doc["name"].is_string())
    return tl::make_unexpected(bad(file, "`name` is missing or not text"));
  spec.schema.name = doc["name"];
  static const std::regex kName("[a-zA-Z0-9_-]{1,64}");
  if (!std::regex_match(spec.schema.name, kName))
    return tl::make_unexpected(bad(file,
                                   fmt::format("`{}` is not a valid tool name", spec.schema.name),
                                   "use 1-64 letters, digits, `_` or `-`"));
  if (spec.schema.name != file.stem().string())
    return tl::make_unexpected(bad(file,
                                   fmt::format("the tool is named `{}` but the file `{}`",
                                               spec.schema.name, file.filename().string()),
                                   "name the file after the tool"));
  if (!doc.contains("description") || !doc["description"].is_string() ||
      doc["description"].get<std::string>().empty())
    return tl::make_unexpected(bad(file, "`description` is missing or empty"));
  spec.schema.description = doc["description"];
  while (!spec.schema.description.empty() && spec.schema.description.back() == '\n')
    spec.schema.description.pop_back();
  if (!doc.contains("parameters")) return tl::make_unexpected(bad(file, "`parameters` is missing"));
  spec.schema.parameters = doc["parameters"];
  if (spec.schema.parameters.value("type", "") != "object")
    return tl::make_unexpected(bad(file, "`parameters` must be a schema of type object"));
  if (auto ok = check_schema(spec.schema.parameters, file.string()); !ok)
    return tl::make_unexpected(ok.error());
  if (doc.contains("writes")) {
    if (!doc["writes"].is_boolean())
      return tl::make_unexpected(bad(file, "`writes` must be true or false"));
    spec.writes = doc["writes"];
  }
  if (doc.contains("limits")) {
    const json& limits = doc["limits"];
    if (!limits.is_object()) return tl::make_unexpected(bad(file, "`limits` must be a mapping"));
    for (const auto& [key, value] : limits.items()) {
      if (!value.is_number_integer() || value.get<long long>() <= 0)
        return tl::make_unexpected(
            bad(file, fmt::format("limits.{} must be a positive integer", key)));
      if (key == "timeout") {
        spec.limits.timeout = std::chrono::seconds(value.get<long long>());
      } else if (key == "output_cap") {
        spec.limits.output_cap = value.get<std::size_t>();
      } else {
        return tl::make_unexpected(bad(file, fmt::format("unknown limit `{}`", key),
                                       "limits: timeout (seconds), output_cap (bytes)"));
      }
    }
  }
  return spec;
}

Result<std::vector<ToolSpec>> load_tool_specs(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return fail(ErrorCode::kConfig, "the tools folder does not exist", dir.string(),
                "set AGENTRY_DATA_DIR to the folder that holds tools/");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<ToolSpec> specs;
  for (const auto& file : files) {
    auto spec = load_tool_spec(file);
    if (!spec) return tl::make_unexpected(spec.error());
    specs.push_back(std::move(*spec));
  }
  return specs;
}

}  // namespace agentry::tools
