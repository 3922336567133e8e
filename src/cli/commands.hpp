#pragma once
/// One `set_<name>_command` per subcommand (mamba's pattern): each adds its CLI11 subcommand and
/// the callback that runs it, with what it needs from app::Services (it builds nothing itself). A
/// callback reports failure by throwing CommandError, which main's one catch-all turns into a
/// message and an exit code.
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "app/services.hpp"
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

void set_agents_command(CLI::App& app, app::Services& services);
void set_tools_command(CLI::App& app, app::Services& services);
void set_batch_command(CLI::App& app, app::Services& services);
void set_run_command(CLI::App& app, app::Services& services);
void set_demo_command(CLI::App& app, app::Services& services);
void set_mcp_command(CLI::App& app, app::Services& services);
/// `agentry mcp list|tools|call` beside the MCP server mode of `agentry mcp` alone.
void add_mcp_client_commands(CLI::App& mcp, app::Services& services);
void set_models_command(CLI::App& app, app::Services& services);
void set_ping_command(CLI::App& app, app::Services& services);
void set_sessions_command(CLI::App& app, app::Services& services);
void set_route_command(CLI::App& app, app::Services& services);
void set_chat_command(CLI::App& app, app::Services& services);
void set_undo_command(CLI::App& app, app::Services& services);
/// `agentry context`: what the model receives before the task, with token counts.
void set_context_command(CLI::App& app, app::Services& services);
void set_commands_command(CLI::App& app, app::Services& services);

/// The chat with its defaults: what `agentry` alone does when stdin and stdout are terminals.
int run_default_chat(app::Services& services);

}  // namespace agentry::cli
