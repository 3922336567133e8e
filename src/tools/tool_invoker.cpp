#include "tools/tool_invoker.hpp"

#include <fmt/format.h>

#include "core/json_depth.hpp"
#include "tools/call_preview.hpp"
#include "tools/capped_text.hpp"
#include "tools/executors.hpp"
#include "tools/schema_validator.hpp"
#include "tools/tool_exception.hpp"

namespace agentry::tools {

using nlohmann::json;

std::shared_ptr<std::mutex> WorkspaceLocks::lock_for(const std::filesystem::path& workspace) {
  std::lock_guard guard(mutex_);
  auto& slot = locks_[workspace.lexically_normal()];
  if (!slot) slot = std::make_shared<std::mutex>();
  return slot;
}

Result<ToolOutput> ToolInvoker::invoke(const ToolCall& call, const ToolContext& context,
                                       const PermissionPolicy& policy) const {
  Tool* tool = registry_.find(call.name);
  if (tool == nullptr) {
    std::vector<std::string> names;
    for (const auto& t : registry_.tools())
      names.push_back(t->spec().schema.name);
    return model_error(
        fmt::format("there is no tool `{}`; the tools are: {}", call.name, fmt::join(names, ", ")));
  }
  return invoke_tool(*tool, call, context, policy);
}

Result<ToolOutput> ToolInvoker::invoke_tool(Tool& tool, const ToolCall& call,
                                            const ToolContext& context,
                                            const PermissionPolicy& policy) const {
  const ToolSpec& spec = tool.spec();
  json arguments = call.arguments;
  if (arguments.is_null() || arguments.is_discarded()) {
    if (!call.raw_arguments.empty() &&
        call.raw_arguments.find_first_not_of(" \t\r\n") != std::string::npos) {
      if (json_too_deep(call.raw_arguments))
        return model_error(fmt::format("rewrite your input: the arguments of `{}` hold {}",
                                       call.name, json_too_deep_message()));
      json parsed = json::parse(call.raw_arguments, nullptr, false);
      if (parsed.is_discarded())
        return model_error(
            fmt::format("rewrite your input: the arguments of `{}` are not valid JSON: {}",
                        call.name, cap_text(valid_utf8(call.raw_arguments), 200)));
      arguments = std::move(parsed);
    } else {
      arguments = json::object();
    }
  }
  if (auto problem = validate_arguments(spec.schema.parameters, arguments))
    return model_error(*problem, {{"validation", *problem}});

  // The settings-folder rule needs the workspace to see the path as the kernel resolves it.
  auto workspace = Workspace::open(context.workspace);
  const Workspace* ws = workspace ? &*workspace : nullptr;
  bool settings = call_writes_settings(spec, arguments, ws);
  Permission decided = policy.decide(spec, arguments, settings);
  if (context.hook_permission == Permission::kAllow && decided == Permission::kAsk && !settings)
    decided = Permission::kAllow;
  if (context.hook_permission == Permission::kAsk && decided == Permission::kAllow)
    decided = Permission::kAsk;
  switch (decided) {
    case Permission::kAllow:
      break;
    case Permission::kDeny:
      return model_error(
          fmt::format("permission denied: `{}` is not allowed for this agent; do not retry it, "
                      "work with the other tools or say what you need",
                      call.name),
          {{"permission", "deny"}});
    case Permission::kAsk: {
      if (approver_ == nullptr)
        return model_error(
            fmt::format("permission denied: `{}` needs approval and no one can approve it in "
                        "this mode, so it did not run; describe the change you wanted instead",
                        call.name),
            {{"permission", "ask"}, {"approved", false}});
      if (ws == nullptr) return tl::make_unexpected(open_workspace(context, spec).error());
      ApprovalRequest request{
          call.name, arguments,  call_preview(spec, arguments, *ws), call_edits(spec, arguments),
          settings,  spec.origin};
      // What is shown may hold a key the model read somewhere; the screen never gets it.
      registry_.redactor().redact_json(request.arguments);
      request.preview = registry_.redactor().redact(std::move(request.preview));
      Approval answer = approver_->approve(request, context.stop);
      if (context.stop.stop_requested())
        return fail(ErrorCode::kCancelled, "cancelled while asking for approval", call.name);
      if (!answer.approved && answer.unattended)
        return model_error(fmt::format("`{}` did not run: {}", call.name, answer.reason),
                           {{"permission", "ask"}, {"approved", false}});
      if (!answer.approved)
        return model_error(fmt::format("the user declined this `{}` call{}", call.name,
                                       answer.reason.empty() ? "" : ": " + answer.reason),
                           {{"permission", "ask"}, {"approved", false}});
      break;
    }
  }

  std::unique_lock<std::mutex> writing;
  std::shared_ptr<std::mutex> workspace_lock;
  if (call_writes(spec, arguments)) {
    workspace_lock = write_locks_.lock_for(context.workspace);
    writing = std::unique_lock(*workspace_lock);
  }
  ToolContext run_context = context;
  run_context.deadline = std::chrono::steady_clock::now() + spec.limits.timeout;
  run_context.may_write_settings = settings;
  Result<ToolOutput> output = ToolOutput{};
  try {
    output = tool.run(arguments, run_context);
  } catch (...) {
    // A tool that throws ends its call, never agentry (tools/tool_exception.hpp).
    output = model_error(tool_threw_message(call.name, std::current_exception()));
    if (const auto& log = registry_.log())
      log->error("{}", registry_.redactor().redact(output->content));
  }
  if (writing) writing.unlock();
  // What a tool returns may hold a key the crate's code found; it never goes further.
  const SecretRedactor& secrets = registry_.redactor();
  if (!output) return tl::make_unexpected(secrets.redact_error(output.error()));
  output->content =
      cap_text(valid_utf8(secrets.redact(std::move(output->content))), spec.limits.output_cap);
  secrets.redact_json(output->details);
  return output;
}

}  // namespace agentry::tools
