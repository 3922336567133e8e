#include "app/custom_commands.hpp"

#include <fmt/format.h>

namespace agentry::app {

agents::CommandSet load_custom_commands(const AppContext& ctx) {
  auto set = agents::CommandSet::load(agents::command_search_path(ctx.env, ctx.cwd));
  for (const auto& d : set.diagnostics()) {
    if (d.severity == agents::Severity::kError) ctx.log->warn("{}", d.to_string());
  }
  if (ctx.project_trusted) return set;
  for (auto& command : set.mutable_commands()) {
    if (command.scope != "project" || command.allowed_tools.empty()) continue;
    command.allowed_tools.clear();
    ctx.log->warn(
        "{}: ignored `allowed-tools` from the command file of an untrusted project (it would "
        "let the command's calls run without asking); to apply it, add {} to trusted_projects "
        "in {} or pass --trust-project",
        command.source.string(), ctx.trust_advice.root.string(),
        ctx.trust_advice.user_config.string());
  }
  return set;
}

void apply_custom_command(const agents::CustomCommand& command, std::string_view arguments,
                          engine::TaskRequest& request) {
  request.task = agents::expand_command(command, arguments);
  if (request.agent.empty()) request.agent = command.agent;
  if (request.model.empty()) request.model = command.model;
  request.allowed_tools = command.allowed_tools;
}

tools::Approval AllowedToolsApprover::approve(const tools::ApprovalRequest& request,
                                              std::stop_token stop) {
  if (!request.settings) {
    std::string line;
    if (request.arguments.is_object())
      if (auto c = request.arguments.find("command");
          c != request.arguments.end() && c->is_string())
        line = c->get<std::string>();
    for (const auto& allowed : allowed_) {
      if (allowed.allows(request.tool, line)) return {true, {}};
    }
  }
  return inner_.approve(request, stop);
}

}  // namespace agentry::app
