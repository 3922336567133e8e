#pragma once
/// Custom commands for the front-ends (chat's `/name`, `agentry run /name`, `agentry commands`):
/// the commands of the user's and the project's folders, with what an untrusted project may not
/// carry taken out, and what running one means for a task.
#include <string>
#include <string_view>
#include <vector>

#include "agents/command_set.hpp"
#include "app/app_context.hpp"
#include "engine/task_runner.hpp"
#include "tools/permissions.hpp"

namespace agentry::app {

/// Loads the commands of ctx's search path (agents::command_search_path). Unreadable or broken
/// files are logged as warnings and left out. An untrusted project's commands lose their
/// `allowed-tools` (a warning names each file): a file of the repository must not let calls
/// run unasked, as its agent files may not allow tools.
agents::CommandSet load_custom_commands(const AppContext& ctx);

/// `request` set up to run `command` with `arguments`: the expanded template as the task, and
/// the command's agent, model and allowed tools, except that an agent or model already in
/// `request` (the command line's `--agent`, `--model`) wins.
void apply_custom_command(const agents::CustomCommand& command, std::string_view arguments,
                          engine::TaskRequest& request);

/// Approves, without asking, the calls that a command's `allowed-tools` name (a `bash` entry
/// with a command line: only that command line, or those starting with its prefix); every other
/// call, and any write to settings, goes to `inner`.
class AllowedToolsApprover final : public tools::Approver {
 public:
  AllowedToolsApprover(const std::vector<agents::AllowedTool>& allowed, tools::Approver& inner)
      : allowed_(allowed), inner_(inner) {}
  tools::Approval approve(const tools::ApprovalRequest& request, std::stop_token stop) override;

 private:
  const std::vector<agents::AllowedTool>& allowed_;
  tools::Approver& inner_;
};

}  // namespace agentry::app
