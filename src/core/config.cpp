#include "core/config.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <system_error>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/paths.hpp"
#include "core/yaml_error.hpp"
#include "core/yaml_load.hpp"

namespace agentry {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using Origins = std::map<std::string, std::string, std::less<>>;

std::string mark_text(std::string_view source, const YAML::Mark& mark) {
  if (mark.is_null()) return std::string(source);
  return fmt::format("{}:{}:{}", source, mark.line + 1, mark.column + 1);
}

std::optional<json> plain_number(const std::string& s) {
  std::string_view v(s);
  if (v.empty()) return std::nullopt;
  std::string_view digits = v;
  if (digits.front() == '+' || digits.front() == '-') digits.remove_prefix(1);
  if (digits.starts_with("0x") || digits.starts_with("0o")) {
    std::int64_t n = 0;
    int base = digits[1] == 'x' ? 16 : 8;
    auto [end, ec] = std::from_chars(digits.data() + 2, digits.data() + digits.size(), n, base);
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.size() == 2) {
      return std::nullopt;
    }
    return json(v.front() == '-' ? -n : n);
  }
  if (digits == ".inf" || digits == ".Inf" || digits == ".INF") {
    return json(v.front() == '-' ? -std::numeric_limits<double>::infinity()
                                 : std::numeric_limits<double>::infinity());
  }
  bool is_int = !digits.empty();
  for (char c : digits)
    is_int = is_int && c >= '0' && c <= '9';
  if (is_int) {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(v.data() + (v.front() == '+' ? 1 : 0), v.data() + v.size(), n);
    if (ec == std::errc() && end == v.data() + v.size()) return json(n);
  }
  // A float needs a digit and only float characters; from_chars must consume all of it.
  bool has_digit = false;
  for (char c : digits) {
    if (c >= '0' && c <= '9') {
      has_digit = true;
    } else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') {
      return std::nullopt;
    }
  }
  if (!has_digit) return std::nullopt;
  double d = 0;
  auto [end, ec] = std::from_chars(v.data() + (v.front() == '+' ? 1 : 0), v.data() + v.size(), d);
  if (ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  return json(d);
}

json scalar_to_json(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  const std::string& tag = node.Tag();
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return json(s);
  if (tag == "?") {
    if (s == "null" || s == "Null" || s == "NULL" || s == "~" || s.empty()) return json(nullptr);
    if (s == "true" || s == "True" || s == "TRUE") return json(true);
    if (s == "false" || s == "False" || s == "FALSE") return json(false);
    if (auto n = plain_number(s)) return *n;
  }
  if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float") {
    if (auto n = plain_number(s)) return *n;
  }
  if (tag == "tag:yaml.org,2002:bool") return json(s == "true" || s == "True" || s == "TRUE");
  if (tag == "tag:yaml.org,2002:null") return json(nullptr);
  return json(s);
}

Result<json> convert(const YAML::Node& node, std::string_view source, const std::string& pointer,
                     Origins* origins) {
  if (origins != nullptr) (*origins)[pointer] = mark_text(source, node.Mark());
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return json(nullptr);
    case YAML::NodeType::Scalar:
      return scalar_to_json(node);
    case YAML::NodeType::Sequence: {
      json out = json::array();
      std::size_t i = 0;
      for (const auto& item : node) {
        auto v = convert(item, source, pointer + "/" + std::to_string(i++), origins);
        if (!v) return v;
        out.push_back(std::move(*v));
      }
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) {
          return fail(ErrorCode::kConfig, "a mapping key must be a plain scalar",
                      mark_text(source, kv.first.Mark()));
        }
        const std::string& key = kv.first.Scalar();
        if (out.contains(key)) {
          return fail(ErrorCode::kConfig, fmt::format("duplicate key '{}'", key),
                      mark_text(source, kv.first.Mark()), "remove one of the two entries");
        }
        auto v = convert(kv.second, source, pointer + "/" + json_pointer_segment(key), origins);
        if (!v) return v;
        if (origins != nullptr && kv.second.Mark().is_null()) {
          (*origins)[pointer + "/" + json_pointer_segment(key)] =
              mark_text(source, kv.first.Mark());
        }
        out[key] = std::move(*v);
      }
      return out;
    }
  }
  return json(nullptr);
}

Result<json> parse_yaml(std::string_view text, std::string_view source, Origins* origins) {
  YAML::Node root;
  try {
    root = load_yaml(std::string(text));
  } catch (const YAML::Exception& e) {
    bool over_budget = dynamic_cast<const YamlBudgetError*>(&e) != nullptr;
    return fail(ErrorCode::kConfig, fmt::format("invalid YAML: {}", yaml_error_message(e)),
                mark_text(source, e.mark),
                over_budget ? "each alias (*name) repeats all of its anchor: use fewer"
                            : "fix the syntax at that position");
  }
  try {
    return convert(root, source, "", origins);
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::kConfig, fmt::format("invalid YAML: {}", yaml_error_message(e)),
                mark_text(source, e.mark));
  }
}

void erase_subtree(Origins& origins, const std::string& pointer) {
  auto it = origins.lower_bound(pointer);
  while (it != origins.end() && (it->first == pointer || it->first.starts_with(pointer + "/"))) {
    it = origins.erase(it);
  }
}

void merge_into(json& base, const json& over, const std::string& pointer, Origins& base_origins,
                const Origins& over_origins) {
  for (const auto& [key, value] : over.items()) {
    std::string child = pointer + "/" + json_pointer_segment(key);
    if (value.is_object() && base.contains(key) && base[key].is_object()) {
      if (auto it = over_origins.find(child); it != over_origins.end())
        base_origins[child] = it->second;
      merge_into(base[key], value, child, base_origins, over_origins);
      continue;
    }
    base[key] = value;
    erase_subtree(base_origins, child);
    for (auto it = over_origins.lower_bound(child);
         it != over_origins.end() && (it->first == child || it->first.starts_with(child + "/"));
         ++it) {
      base_origins[it->first] = it->second;
    }
  }
}

}  // namespace

std::string json_pointer_segment(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<Config> Config::from_yaml(std::string_view text, const fs::path& source) {
  Config config;
  Origins origins;
  auto parsed = parse_yaml(text, source.string(), &origins);
  if (!parsed) return tl::make_unexpected(parsed.error());
  if (parsed->is_null()) {
    parsed = json::object();
  } else if (!parsed->is_object()) {
    return fail(ErrorCode::kConfig, "the configuration must be a mapping of keys to values",
                origins[""], "start the file with `key: value` lines");
  }
  config.data_ = std::move(*parsed);
  config.origins_ = std::move(origins);
  config.files_.push_back(source);
  return config;
}

const json* Config::find(std::string_view pointer) const {
  try {
    json::json_pointer ptr{std::string(pointer)};
    if (!data_.contains(ptr)) return nullptr;
    return &data_.at(ptr);
  } catch (const json::exception&) {
    return nullptr;
  }
}

std::string Config::where(std::string_view pointer) const {
  std::string p(pointer);
  while (true) {
    if (auto it = origins_.find(p); it != origins_.end()) return it->second;
    if (p.empty()) return files_.empty() ? std::string() : files_.back().string();
    p = p.substr(0, p.rfind('/'));
  }
}

bool Config::erase(std::string_view pointer) {
  if (pointer.empty() || find(pointer) == nullptr) return false;
  json::json_pointer ptr{std::string(pointer)};
  auto& parent = data_.at(ptr.parent_pointer());
  if (!parent.is_object()) return false;
  parent.erase(ptr.back());
  erase_subtree(origins_, std::string(pointer));
  return true;
}

void Config::set(std::string_view pointer, json value, std::string origin) {
  data_[json::json_pointer{std::string(pointer)}] = std::move(value);
  erase_subtree(origins_, std::string(pointer));
  origins_[std::string(pointer)] = std::move(origin);
}

void Config::merge(const Config& over) {
  merge_into(data_, over.data_, "", origins_, over.origins_);
  files_.insert(files_.end(), over.files_.begin(), over.files_.end());
}

fs::path user_config_file(const Environment& env) {
  return user_config_dir(env) / "config.yaml";
}

std::optional<fs::path> project_config_file(const fs::path& cwd) {
  auto root = find_project_root(cwd);
  if (!root) return std::nullopt;
  return *root / ".agentry" / "config.yaml";
}

Result<Config> load_config_files(const std::vector<fs::path>& files) {
  Config merged;
  for (const auto& file : files) {
    std::error_code ec;
    if (!fs::exists(file, ec)) continue;
    auto size = fs::file_size(file, ec);
    if (!ec && size > kMaxConfigFileBytes) {
      return fail(ErrorCode::kConfig,
                  fmt::format("the configuration file has {} bytes; it may have at most {}", size,
                              kMaxConfigFileBytes),
                  file.string(), "a configuration is a page of YAML: remove what is not");
    }
    std::ifstream in(file, std::ios::binary);
    if (ec || !in) {
      return fail(ErrorCode::kIo, "cannot read the configuration file", file.string(),
                  "check its permissions");
    }
    std::string text(size, '\0');
    in.read(text.data(), static_cast<std::streamsize>(size));
    text.resize(static_cast<std::size_t>(in.gcount()));
    auto layer = Config::from_yaml(text, file);
    if (!layer) return layer;
    merged.merge(*layer);
  }
  return merged;
}

Result<json> yaml_to_json(std::string_view text, std::string_view source) {
  return parse_yaml(text, source, nullptr);
}

}  // namespace agentry
