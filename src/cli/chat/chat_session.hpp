#pragma once
/// The interactive chat (`agentry chat`, or `agentry` alone on a terminal): a REPL over the same
/// engine and sessions as `agentry run`. Each message is one run of the engine::TaskRunner
/// continuing the chat's session; slash commands, `@path` attachments and `!cmd` are handled here,
/// rendering in chat_sink/chat_screen, reading in line_editor. Nothing connects to a model or
/// probes cargo before the first message, so the prompt appears at once.
#include <memory>
#include <optional>
#include <string>

#include "app/services.hpp"
#include "engine/task_runner.hpp"

namespace agentry::cli::chat {

struct ChatOptions {
  std::string agent;  ///< "" : the default primary agent
  std::string model;  ///< "" : the agent's
  std::string resume;
  bool continue_last = false;
  engine::PermissionMode permission_mode = engine::PermissionMode::kAsk;
};

/// Runs the chat until the user quits; returns the exit code (0, or 130 after Ctrl-C twice).
/// Set-up errors (config, unknown agent or session) throw CommandError.
int run_chat(app::Services& services, const ChatOptions& options);

}  // namespace agentry::cli::chat
