#pragma once
/// What main hands app::Services (services.hpp): the environment snapshot, the working
/// directory, the global options, the logger and the loaded config. Services builds everything
/// else from it; commands build nothing.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "app/project_trust.hpp"
#include "core/config.hpp"
#include "core/environment.hpp"
#include "core/error.hpp"
#include "core/secret_redactor.hpp"

namespace agentry::app {

struct AppContext {
  Environment env;
  std::filesystem::path cwd;                      ///< --cwd, default the process's
  std::filesystem::path data_dir;                 ///< built-in agents/, tools/, prompts/
  std::vector<std::filesystem::path> agent_dirs;  ///< --agents-dir, repeatable
  std::string log_level = "warn";                 ///< --log-level
  std::string log_file;                           ///< --log-file; empty: stderr
  bool sandbox = false;                           ///< --sandbox: tools run under bubblewrap
  std::filesystem::path session_db;               ///< --session-db; empty: the default
  bool trust_project = false;                     ///< --trust-project (project_trust.hpp)
  std::shared_ptr<spdlog::logger> log;            ///< built by main after parsing
  /// The user's and the project's config for cwd, read once by main after parsing
  /// (load_app_config); an error here is reported by the commands that need the config.
  Result<Config> config = Config{};
  /// Whether the project of ctx.cwd is trusted (project_trust.hpp); set with config.
  bool project_trusted = false;
  /// Where to trust it, for warnings about what an untrusted project may not set.
  TrustAdvice trust_advice;
  /// Every known secret value (the environment's secrets, the config's credential headers),
  /// cut out of tool output, check output and errors; set with config. Never null.
  std::shared_ptr<const SecretRedactor> redactor = std::make_shared<const SecretRedactor>();
};

/// Where the built-in data (agents/, prompts/, tools/, examples/) lives: $AGENTRY_DATA_DIR when
/// set (it must be a folder), else <exe>/../share/agentry (an installed binary: cmake --install,
/// the .deb), else, for the binary in the build folder only (build_paths::binary_dir()), the
/// source tree it was built from. An installed or copied binary never falls back to the source
/// tree. The error lists the folders looked in and says to set AGENTRY_DATA_DIR or reinstall.
Result<std::filesystem::path> find_data_dir(const Environment& env);
/// The same for the program at `exe` (the one running: /proc/self/exe).
Result<std::filesystem::path> find_data_dir(const Environment& env,
                                            const std::filesystem::path& exe);

/// Reads ctx.config (the user config, with the project config of ctx.cwd merged over it; of an
/// untrusted project's config only what cannot loosen the guard: project_trust.hpp), sets
/// ctx.project_trusted, marks in ctx.env, as secret, every variable a configured provider reads
/// its key from (`api_key_env`), whatever its name but a variable tools need (PATH, HOME…): no
/// child process (tools, checks, probes) sees it; and builds ctx.redactor. An untrusted
/// project's providers are ignored, so they mark nothing. A config that does not load marks
/// nothing and is kept in ctx.config for the command to report.
void load_app_config(AppContext& ctx);

}  // namespace agentry::app
