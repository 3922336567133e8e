#pragma once
/// One `set_<name>_command` per subcommand (mamba's pattern): each adds its CLI11 subcommand and
/// the callback that runs it. A callback reports failure by throwing CommandError, which main's
/// one catch-all turns into a message and an exit code.
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "app/app_context.hpp"
#include "core/error.hpp"

namespace agentry::cli {

/// Carries an agentry::Error out of a CLI11 callback to main.
class CommandError : public std::runtime_error {
 public:
  explicit CommandError(Error error)
      : std::runtime_error(error.to_string()), error_(std::move(error)) {}
  const Error& error() const { return error_; }

 private:
  Error error_;
};

/// Ends a command with an exit code but no further message (the command already reported).
class CommandExit : public std::runtime_error {
 public:
  explicit CommandExit(int code) : std::runtime_error("exit"), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

void set_agents_command(CLI::App& app, app::AppContext& ctx);
void set_tools_command(CLI::App& app, app::AppContext& ctx);
void set_batch_command(CLI::App& app, app::AppContext& ctx);
void set_run_command(CLI::App& app, app::AppContext& ctx);
void set_demo_command(CLI::App& app, app::AppContext& ctx);
void set_mcp_command(CLI::App& app, app::AppContext& ctx);
void set_models_command(CLI::App& app, app::AppContext& ctx);
void set_ping_command(CLI::App& app, app::AppContext& ctx);
void set_sessions_command(CLI::App& app, app::AppContext& ctx);
void set_route_command(CLI::App& app, app::AppContext& ctx);
void set_chat_command(CLI::App& app, app::AppContext& ctx);

/// The chat with its defaults: what `agentry` alone does when stdin and stdout are terminals.
int run_default_chat(app::AppContext& ctx);

}  // namespace agentry::cli
