#pragma once
/// agentry's configuration files: YAML, read from the user file
/// ($XDG_CONFIG_HOME/agentry/config.yaml) and the project file (<project
/// root>/.agentry/config.yaml), merged project over user into one JSON object. Every value
/// remembers the file:line:col that set it, so whichever layer reads a section (llm reads
/// `providers`, tools read `permissions` and `sandbox`) can say exactly where a bad value came
/// from. This file knows no section's meaning, nor how much of a project's file applies (that is
/// cli/project_trust's decision).
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/environment.hpp"
#include "core/error.hpp"

namespace agentry {

class Config {
 public:
  /// Parses one YAML document (`source` names it in errors and origins). An empty document is an
  /// empty configuration; anything but a mapping at the top is an error.
  [[nodiscard]] static Result<Config> from_yaml(std::string_view text,
                                                const std::filesystem::path& source);

  /// The merged configuration; always an object.
  const nlohmann::json& data() const { return data_; }
  /// The value at a JSON pointer such as "/providers/local/model", or nullptr.
  const nlohmann::json* find(std::string_view pointer) const;
  /// "file:line:col" of the value at `pointer`; for a key no file set, its nearest ancestor's
  /// origin; "" when nothing is known (e.g. an empty config).
  std::string where(std::string_view pointer) const;
  /// The files merged into this config, in merge order.
  const std::vector<std::filesystem::path>& files() const { return files_; }

  /// Removes the member at `pointer` (and what it holds, origins included); false when absent
  /// or not a member of a mapping.
  bool erase(std::string_view pointer);

  /// Sets the value at `pointer` (creating missing mappings on the way), recording `origin`
  /// ("file:line:col") as where it was set.
  void set(std::string_view pointer, nlohmann::json value, std::string origin);

  /// Merges `over` on top of this config: mappings merge key by key, any other value (scalars,
  /// lists) is replaced whole, with its origin.
  void merge(const Config& over);

 private:
  nlohmann::json data_ = nlohmann::json::object();
  std::map<std::string, std::string, std::less<>> origins_;  // JSON pointer -> file:line:col
  std::vector<std::filesystem::path> files_;
};

/// Escapes a key for use as one JSON-pointer segment ("~" -> "~0", "/" -> "~1").
std::string json_pointer_segment(std::string_view key);

/// $XDG_CONFIG_HOME/agentry/config.yaml (whether or not it exists).
std::filesystem::path user_config_file(const Environment& env);
/// <project root>/.agentry/config.yaml for the project holding `cwd`; nullopt outside a project.
std::optional<std::filesystem::path> project_config_file(const std::filesystem::path& cwd);

/// A configuration file larger than this is refused unread (real ones are a few KB). Its YAML has
/// the budget of every YAML file (core/yaml_load.hpp).
inline constexpr std::uintmax_t kMaxConfigFileBytes = 4 << 20;

/// Loads and merges the existing files among `files` (later wins). A missing file is skipped; an
/// unreadable, oversized or malformed one is an error naming it with line and column.
[[nodiscard]] Result<Config> load_config_files(const std::vector<std::filesystem::path>& files);

/// Converts a YAML (or JSON) document to JSON: plain scalars become null, booleans or numbers
/// under the YAML 1.2 core schema, quoted ones stay strings. Duplicate keys are an error, and so
/// is a document over the YAML budget (core/yaml_load.hpp).
[[nodiscard]] Result<nlohmann::json> yaml_to_json(std::string_view text, std::string_view source);

}  // namespace agentry
