#include "core/environment.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

extern char** environ;

namespace agentry {

Environment Environment::from_process() {
  std::map<std::string, std::string, std::less<>> vars;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view kv(*entry);
    auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    vars.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return Environment(std::move(vars));
}

std::optional<std::string> Environment::get(std::string_view name) const {
  auto it = vars_.find(name);
  if (it == vars_.end()) return std::nullopt;
  return it->second;
}

std::string Environment::get_or(std::string_view name, std::string_view fallback) const {
  auto it = vars_.find(name);
  if (it == vars_.end() || it->second.empty()) return std::string(fallback);
  return it->second;
}

std::filesystem::path Environment::home() const {
  return get_or("HOME", "/");
}

std::filesystem::path Environment::config_home() const {
  auto v = get_or("XDG_CONFIG_HOME", "");
  return v.empty() ? home() / ".config" : std::filesystem::path(v);
}

std::filesystem::path Environment::data_home() const {
  auto v = get_or("XDG_DATA_HOME", "");
  return v.empty() ? home() / ".local" / "share" : std::filesystem::path(v);
}

std::filesystem::path Environment::state_home() const {
  auto v = get_or("XDG_STATE_HOME", "");
  return v.empty() ? home() / ".local" / "state" : std::filesystem::path(v);
}

bool Environment::mark_secret(std::string name) {
  if (is_tool_variable(name)) return false;
  secret_names_.insert(std::move(name));
  return true;
}

bool Environment::is_secret(std::string_view name) const {
  return secret_names_.contains(name) || is_secret_variable(name);
}

bool is_secret_variable(std::string_view name) {
  std::string upper(name);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  auto ends_with = [&](std::string_view s) {
    return upper.size() >= s.size() && upper.compare(upper.size() - s.size(), s.size(), s) == 0;
  };
  auto contains = [&](std::string_view s) { return upper.find(s) != std::string::npos; };
  if (is_tool_variable(name)) return false;
  return ends_with("_KEY") || ends_with("_SECRET") || contains("TOKEN") || contains("API_KEY") ||
         contains("APIKEY") || contains("PASSWORD") || contains("PASSWD") ||
         contains("CREDENTIAL") || contains("SECRET") || upper.starts_with("AWS_");
}

bool is_tool_variable(std::string_view name) {
  static constexpr std::array<std::string_view, 26> kNames = {
      "PATH",    "HOME",       "USER",         "LOGNAME",          "SHELL",
      "LANG",    "LANGUAGE",   "TERM",         "TMPDIR",           "TZ",
      "PWD",     "CARGO_HOME", "RUSTUP_HOME",  "RUSTUP_TOOLCHAIN", "RUSTC",
      "RUSTDOC", "RUSTFLAGS",  "RUSTDOCFLAGS", "CARGO_TARGET_DIR", "CARGO_BUILD_TARGET",
      "CC",      "CXX",        "AR",           "LD_LIBRARY_PATH",  "PKG_CONFIG_PATH",
      "NO_COLOR"};
  return std::find(kNames.begin(), kNames.end(), name) != kNames.end() || name.starts_with("LC_") ||
         name.starts_with("XDG_");
}

void wipe_secret_values(char** entries, const Environment& env) {
  for (char** entry = entries; entry != nullptr && *entry != nullptr; ++entry) {
    char* eq = std::strchr(*entry, '=');
    if (eq == nullptr ||
        !env.is_secret(std::string_view(*entry, static_cast<std::size_t>(eq - *entry))))
      continue;
    std::memset(eq + 1, 0, std::strlen(eq + 1));
  }
}

void wipe_process_secrets(const Environment& env) {
  wipe_secret_values(environ, env);
}

}  // namespace agentry
