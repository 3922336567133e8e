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
  /// child environments leave it out like the names is_secret_variable() recognises. A variable
  /// tools need (is_tool_variable: PATH, HOME, CARGO_HOME…) is never marked: false then.
  bool mark_secret(std::string name);
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

/// True for variable names that may hold a secret: *_KEY, *_TOKEN, *_SECRET, *API_KEY*, *APIKEY*,
/// *TOKEN*, *PASSWORD*, *PASSWD*, *CREDENTIAL*, *SECRET*, AWS_*. Child processes never see these.
bool is_secret_variable(std::string_view name);

/// True for the variables the toolchain and the shell need to work (PATH, HOME, USER, LANG,
/// LC_*, TERM, TMPDIR, CARGO_HOME, RUSTUP_HOME, RUSTUP_TOOLCHAIN, XDG_*…): never a secret, so
/// never scrubbed from child processes, whoever names them as a key variable.
bool is_tool_variable(std::string_view name);

/// Overwrites with NUL bytes, in the process's original environment block (the strings
/// `environ` pointed to at start-up, which is what /proc/<pid>/environ shows to anyone allowed
/// to read it, root included), the value of every variable `env` holds as secret. Call it once
/// Environment::from_process() has copied them, and again when more names were marked (the
/// config's api_key_env). Nothing may getenv() those variables afterwards.
void wipe_process_secrets(const Environment& env);

/// The same over any NULL-terminated array of "NAME=VALUE" strings (testable without touching
/// the process's own block).
void wipe_secret_values(char** entries, const Environment& env);

}  // namespace agentry
