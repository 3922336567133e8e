#include "tools/tool_spec_loader.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <system_error>

#include <fmt/format.h>

#include "core/config.hpp"
#include "tools/schema_validator.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

Error bad(const fs::path& file, const std::string& message, const std::string& hint = {}) {
  return Error(ErrorCode::kConfig, message, file.string(), hint);
}

/// The file's text; a tool file is a page of YAML, so anything past kMaxToolSpecBytes is refused
/// unread.
Result<std::string> read_spec_file(const fs::path& file) {
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  if (!ec && size > kMaxToolSpecBytes)
    return fail(ErrorCode::kConfig,
                fmt::format("the tool file has {} bytes; a tool file may have at most {}", size,
                            kMaxToolSpecBytes),
                file.string());
  std::ifstream in(file, std::ios::binary);
  if (ec || !in) return fail(ErrorCode::kIo, "cannot read the tool file", file.string());
  std::string text(size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

}  // namespace

Result<ToolSpec> load_tool_spec(const fs::path& file) {
  auto text = read_spec_file(file);
  if (!text) return tl::make_unexpected(text.error());
  auto parsed = yaml_to_json(*text, file.string());
  if (!parsed) return tl::make_unexpected(parsed.error());
  json doc = std::move(*parsed);
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
