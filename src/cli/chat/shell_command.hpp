#pragma once
/// `!cmd` at the chat prompt: a command the user runs by their own hand. It goes through
/// `/bin/sh -c`, deliberately unlike the agent's tools (argv only, never a shell): the user
/// typed it and expects what a shell gives (pipes, globs, `&&`), with their own environment, in
/// the workspace. Its output is shown to the user only; `!!cmd` also hands it to the model with
/// the next message. Ctrl-C stops it; it has no stdin (interactive programs see end of input).
#include <stop_token>
#include <string>
#include <string_view>

#include "core/environment.hpp"
#include "tools/process_runner.hpp"

namespace agentry::cli::chat {

struct ShellLine {
  std::string command;
  bool share = false;  ///< `!!`: the output goes to the model too
};

/// `!cmd` / `!!cmd` (nullopt for any other line, and for a bare `!`).
std::optional<ShellLine> parse_shell_line(std::string_view line);

struct ShellOutcome {
  std::string output;  ///< stdout then stderr, control sequences removed
  int exit_code = 0;   ///< -1 when a signal ended it
  bool cancelled = false;
  std::string error;  ///< it could not start
};

ShellOutcome run_shell_command(tools::ProcessRunner& runner, const std::string& command,
                               const std::filesystem::path& cwd, const Environment& env,
                               std::stop_token stop);

/// The text handed to the model for `!!cmd`.
std::string shared_command_context(const std::string& command, const ShellOutcome& outcome);

}  // namespace agentry::cli::chat
