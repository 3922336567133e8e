#include "core/environment.hpp"

#include <algorithm>
#include <cctype>

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
  return ends_with("_KEY") || ends_with("_TOKEN") || ends_with("_SECRET") || contains("API_KEY") ||
         contains("PASSWORD") || contains("PASSWD") || contains("CREDENTIAL") ||
         contains("SECRET") || upper.starts_with("AWS_") || contains("AUTH_TOKEN") ||
         upper == "GH_TOKEN" || upper == "GITHUB_TOKEN";
}

}  // namespace agentry
