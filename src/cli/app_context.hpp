#pragma once
/// What every subcommand gets from main: the environment snapshot, the working directory, the
/// global options and the logger. main.cpp is the only composition root; commands build what they
/// need from this and nothing else.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "core/environment.hpp"

namespace agentry::cli {

struct AppContext {
  Environment env;
  std::filesystem::path cwd;                      ///< --cwd, default the process's
  std::filesystem::path data_dir;                 ///< built-in agents/, tools/, prompts/
  std::vector<std::filesystem::path> agent_dirs;  ///< --agents-dir, repeatable
  std::string log_level = "warn";                 ///< --log-level
  std::string log_file;                           ///< --log-file; empty: stderr
  bool sandbox = false;                           ///< --sandbox: tools run under bubblewrap
  std::filesystem::path session_db;               ///< --session-db; empty: the default
  std::shared_ptr<spdlog::logger> log;            ///< built by main after parsing
};

/// Where the built-in data lives: $AGENTRY_DATA_DIR, else <exe>/../share/agentry, else the
/// source tree this binary was built from.
std::filesystem::path find_data_dir(const Environment& env);

/// Marks in ctx.env, as secret, every variable a configured provider reads its key from
/// (`api_key_env` in the user and project config of ctx.cwd), whatever its name: no child
/// process (tools, checks, probes) sees it. A config that does not load is left for the command
/// to report.
void mark_provider_keys(AppContext& ctx);

}  // namespace agentry::cli
