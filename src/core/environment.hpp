#pragma once
/// A snapshot of the process environment, passed in rather than read through getenv(), so that
/// every layer is testable and nothing reads mutable global state behind the caller's back.
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace agentry {

class Environment {
 public:
  Environment() = default;
  explicit Environment(std::map<std::string, std::string, std::less<>> vars)
      : vars_(std::move(vars)) {}

  /// Copies `environ` once; called by main only.
  static Environment from_process();

  /// The value of `name`, or nullopt when unset. An empty value counts as set.
  std::optional<std::string> get(std::string_view name) const;
  /// The value of `name`, or `fallback` when unset or empty.
  std::string get_or(std::string_view name, std::string_view fallback) const;
  void set(std::string name, std::string value) { vars_[std::move(name)] = std::move(value); }
  void unset(const std::string& name) { vars_.erase(name); }
  const std::map<std::string, std::string, std::less<>>& vars() const { return vars_; }

  /// Marks `name` as holding a secret whatever it is called (a provider's api_key_env), so that
  /// child environments leave it out like the names is_secret_variable() recognises.
  void mark_secret(std::string name) { secret_names_.insert(std::move(name)); }
  /// True when `name` was marked with mark_secret() or is_secret_variable(name) holds.
  bool is_secret(std::string_view name) const;

  /// $HOME, or "/" when unset.
  std::filesystem::path home() const;
  /// $XDG_CONFIG_HOME, default ~/.config.
  std::filesystem::path config_home() const;
  /// $XDG_DATA_HOME, default ~/.local/share.
  std::filesystem::path data_home() const;
  /// $XDG_STATE_HOME, default ~/.local/state.
  std::filesystem::path state_home() const;

 private:
  std::map<std::string, std::string, std::less<>> vars_;
  std::set<std::string, std::less<>> secret_names_;
};

/// True for variable names that may hold a secret: *_API_KEY, *_TOKEN, *_SECRET, *PASSWORD*,
/// *_KEY, AWS_*/credential-like names. Child processes never see these.
bool is_secret_variable(std::string_view name);

}  // namespace agentry
