// `agentry chat` (and `agentry` alone on a terminal): the interactive front-end. Options mirror
// `agentry run` where they mean the same.
#include "cli/chat/chat_session.hpp"
#include "cli/commands.hpp"
#include "tools/permission_mode.hpp"

namespace agentry::cli {

namespace {

struct ChatCommandOptions {
  std::string agent;
  std::string model;
  std::string resume;
  bool continue_last = false;
  std::string permission_mode = "ask";
};

}  // namespace

void set_chat_command(CLI::App& app, app::Services& services) {
  auto opts = std::make_shared<ChatCommandOptions>();
  auto* cmd = app.add_subcommand("chat", "Talk with an agent in the terminal (the default)");
  cmd->add_option("--agent,-a", opts->agent, "Agent to talk to (default: the primary agent)");
  cmd->add_option("--model,-m", opts->model, "Model as provider/model, an id or an alias");
  cmd->add_option("--permission-mode", opts->permission_mode,
                  "ask | accept-edits | bypass (tools that write ask first by default)")
      ->check(CLI::IsMember({"ask", "accept-edits", "bypass"}));
  auto* resume = cmd->add_option("--resume,-r", opts->resume, "Continue the session with this id");
  cmd->add_flag("--continue,-c", opts->continue_last,
                "Continue the latest session of this directory")
      ->excludes(resume);
  cmd->callback([&services, opts] {
    auto mode = tools::parse_permission_mode(opts->permission_mode);
    if (!mode) throw CommandError(mode.error());
    chat::ChatOptions options{opts->agent, opts->model, opts->resume, opts->continue_last, *mode};
    int code = chat::run_chat(services, options);
    if (code != kExitOk) throw CommandExit(code);
  });
}

int run_default_chat(app::Services& services) {
  return chat::run_chat(services, chat::ChatOptions{});
}

}  // namespace agentry::cli
