#include "engine/hooks.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "core/text.hpp"
#include "engine/hook_tools.hpp"

namespace agentry::engine {

using nlohmann::json;

namespace {

constexpr int kBlockingExit = 2;

std::string trimmed(const std::string& text) {
  return std::string(trim(text));
}

/// `object[key]` when it is a string, else "".
std::string text_of(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void add_line(std::string& to, const std::string& text) {
  if (text.empty()) return;
  if (!to.empty()) to += '\n';
  to += text;
}

}  // namespace

struct Hooks::Run {
  const HookCommand* hook = nullptr;
  HookProcessResult result;
  bool ran = false;  ///< false: could not start
  json output;       ///< stdout as a JSON object (exit 0), else null
  json specific;     ///< output.hookSpecificOutput, else null
};

Hooks::Hooks(HookSet hooks, HookCommandRunner& runner, std::shared_ptr<spdlog::logger> log)
    : hooks_(std::move(hooks)), runner_(runner), log_(std::move(log)) {}

Hooks::~Hooks() {
  end_sessions("other");
}

const HookSet& Hooks::agent_hooks(const agents::AgentDefinition& agent) {
  std::lock_guard lock(mutex_);
  auto it = agent_hooks_.find(agent.name);
  if (it != agent_hooks_.end()) return it->second;
  HookSet set;
  if (!agent.hooks.is_null()) {
    const std::string source = fmt::format("{}: hooks", agent.source.string());
    Result<ParsedHooks> parsed = ParsedHooks{};
    try {
      parsed = parse_hooks(agent.hooks, source);
    } catch (const json::exception& ex) {
      parsed = fail(ErrorCode::kConfig, ex.what(), source);
    }
    if (parsed) {
      set = std::move(parsed->hooks);
      for (const auto& warning : parsed->warnings)
        if (log_) log_->warn("{}", warning);
    } else if (log_) {
      log_->warn("the hooks of agent {} are ignored: {}", agent.name, parsed.error().to_string());
    }
  }
  return agent_hooks_.emplace(agent.name, std::move(set)).first->second;
}

std::vector<Hooks::Run> Hooks::run_event(const HookScope& scope, HookEvent event,
                                         const std::string& subject, bool tool, json input) {
  std::vector<const HookGroup*> groups;
  auto collect = [&](const HookSet& set, HookEvent from) {
    for (const auto& group : set.of(from)) {
      bool selects = tool ? hook_matcher_selects_tool(group.matcher, subject)
                          : subject.empty() || hook_matcher_selects(group.matcher, subject);
      if (selects) groups.push_back(&group);
    }
  };
  collect(hooks_, event);
  if (scope.agent != nullptr) {
    const HookSet& own = agent_hooks(*scope.agent);
    collect(own, event);
    // An agent's own Stop hooks fire when it stops as a subagent (as in Claude Code).
    if (event == HookEvent::kSubagentStop) collect(own, HookEvent::kStop);
  }
  std::vector<Run> runs;
  if (groups.empty()) return runs;

  input["session_id"] = scope.origin.session_id;
  input["cwd"] = scope.cwd.string();
  input["hook_event_name"] = to_string(event);
  const std::string text = input.dump(-1, ' ', false, json::error_handler_t::replace);
  std::set<std::string> seen;
  for (const auto* group : groups) {
    for (const auto& hook : group->commands) {
      if (!seen.insert(hook.command).second || scope.stop.stop_requested()) continue;
      Run run;
      run.hook = &hook;
      auto result = runner_.run(hook, text, scope.cwd, scope.stop);
      if (result) {
        run.ran = true;
        run.result = std::move(*result);
        if (run.result.exit_code == 0 && !run.result.timed_out) {
          std::string out = trimmed(run.result.out);
          if (out.starts_with('{')) {
            json parsed = json::parse(out, nullptr, false);
            if (parsed.is_object()) run.output = std::move(parsed);
          }
          if (run.output.is_object()) {
            auto specific = run.output.find("hookSpecificOutput");
            if (specific != run.output.end() && specific->is_object()) run.specific = *specific;
          }
        }
      } else if (result.error().code != ErrorCode::kCancelled && log_) {
        log_->warn("{} hook `{}` ({}) could not run: {}", to_string(event), hook.command,
                   hook.source, result.error().to_string());
      }
      if (run.ran && log_ &&
          (run.result.timed_out ||
           (run.result.exit_code != 0 && run.result.exit_code != kBlockingExit))) {
        log_->warn("{} hook `{}` ({}) {}: {}", to_string(event), hook.command, hook.source,
                   run.result.timed_out ? fmt::format("timed out after {} s", hook.timeout.count())
                                        : fmt::format("exited with {}", run.result.exit_code),
                   trimmed(run.result.err));
      }
      runs.push_back(std::move(run));
    }
  }
  return runs;
}

namespace {

bool blocks(const HookProcessResult& result) {
  return !result.timed_out && result.exit_code == kBlockingExit;
}

}  // namespace

void Hooks::report(const HookScope& scope, HookEvent event, const std::vector<Run>& runs,
                   bool blocked) {
  if (scope.events == nullptr) return;
  for (const auto& run : runs)
    scope.events->on_event(HookRan{scope.origin, to_string(event), run.hook->command,
                                   run.result.exit_code, blocked, run.result.timed_out});
}

HookFeedback Hooks::feedback(const std::vector<Run>& runs, HookEvent event,
                             bool stdout_is_context) {
  HookFeedback out;
  for (const auto& run : runs) {
    if (!run.ran) continue;
    if (blocks(run.result)) {
      out.blocked = true;
      std::string why = trimmed(run.result.err);
      add_line(out.text, why.empty() ? fmt::format("`{}` exited with 2", run.hook->command) : why);
      continue;
    }
    if (run.output.is_object()) {
      if (text_of(run.output, "decision") == "block") {
        out.blocked = true;
        std::string why = text_of(run.output, "reason");
        add_line(out.text, why.empty() ? fmt::format("`{}` blocked it", run.hook->command) : why);
      }
      if (auto go_on = run.output.find("continue"); go_on != run.output.end() && *go_on == false) {
        std::string why = text_of(run.output, "stopReason");
        out.halt = why.empty() ? fmt::format("the {} hook `{}` stopped the run", to_string(event),
                                             run.hook->command)
                               : why;
      }
      if (run.specific.is_object())
        add_line(out.context, text_of(run.specific, "additionalContext"));
    } else if (stdout_is_context && run.result.exit_code == 0 && !run.result.timed_out) {
      add_line(out.context, trimmed(run.result.out));
    }
  }
  return out;
}

PreToolVerdict Hooks::pre_tool_use(const HookScope& scope, const ToolCall& call) {
  json input{{"tool_name", claude_tool_name(call.name)},
             {"tool_input", claude_tool_input(call.name, call.arguments, scope.cwd)},
             {"tool_use_id", call.id}};
  auto runs = run_event(scope, HookEvent::kPreToolUse, call.name, true, std::move(input));
  PreToolVerdict verdict;
  std::string refusal;
  bool refused = false;
  for (const auto& run : runs) {
    if (!run.ran) continue;
    if (blocks(run.result)) {
      refused = true;
      std::string why = trimmed(run.result.err);
      add_line(refusal, why.empty() ? fmt::format("`{}` refused it", run.hook->command) : why);
      continue;
    }
    if (!run.output.is_object()) continue;
    // permissionDecision, else the older top-level `decision` (approve | block).
    std::string decision = text_of(run.specific, "permissionDecision");
    std::string reason = text_of(run.specific, "permissionDecisionReason");
    if (decision.empty() && run.specific.is_null()) {
      std::string old = text_of(run.output, "decision");
      decision = old == "block" ? "deny" : old == "approve" ? "allow" : "";
      reason = text_of(run.output, "reason");
    }
    if (decision == "deny") {
      refused = true;
      add_line(refusal, reason.empty() ? fmt::format("`{}` denied it", run.hook->command) : reason);
    } else if (decision == "ask") {
      verdict.permission = tools::Permission::kAsk;
    } else if (decision == "allow" && verdict.permission != tools::Permission::kAsk) {
      verdict.permission = tools::Permission::kAllow;
    }
    if (run.specific.is_object()) {
      if (auto updated = run.specific.find("updatedInput");
          updated != run.specific.end() && updated->is_object())
        verdict.arguments = agentry_tool_input(call.name, *updated, scope.cwd);
      add_line(verdict.context, text_of(run.specific, "additionalContext"));
    }
    if (auto go_on = run.output.find("continue"); go_on != run.output.end() && *go_on == false) {
      std::string why = text_of(run.output, "stopReason");
      verdict.halt = why.empty() ? "a PreToolUse hook stopped the run" : why;
    }
  }
  if (refused) verdict.refusal = fmt::format("blocked by a PreToolUse hook: {}", refusal);
  report(scope, HookEvent::kPreToolUse, runs, refused);
  return verdict;
}

HookFeedback Hooks::post_tool_use(const HookScope& scope, const ToolCall& call,
                                  const ToolResult& result) {
  json response{{"success", !result.is_error}, {"content", result.content}};
  json input{{"tool_name", claude_tool_name(call.name)},
             {"tool_input", claude_tool_input(call.name, call.arguments, scope.cwd)},
             {"tool_response", std::move(response)},
             {"tool_use_id", call.id}};
  auto runs = run_event(scope, HookEvent::kPostToolUse, call.name, true, std::move(input));
  auto out = feedback(runs, HookEvent::kPostToolUse, false);
  report(scope, HookEvent::kPostToolUse, runs, out.blocked);
  return out;
}

HookFeedback Hooks::user_prompt_submit(const HookScope& scope, const std::string& prompt) {
  auto runs = run_event(scope, HookEvent::kUserPromptSubmit, "", false, json{{"prompt", prompt}});
  auto out = feedback(runs, HookEvent::kUserPromptSubmit, true);
  report(scope, HookEvent::kUserPromptSubmit, runs, out.blocked);
  return out;
}

HookFeedback Hooks::stop(const HookScope& scope, bool stop_hook_active,
                         const std::string& last_message) {
  HookEvent event = scope.origin.depth > 0 ? HookEvent::kSubagentStop : HookEvent::kStop;
  json input{{"stop_hook_active", stop_hook_active}, {"last_assistant_message", last_message}};
  if (event == HookEvent::kSubagentStop) input["agent_type"] = scope.origin.agent;
  auto runs = run_event(scope, event, "", false, std::move(input));
  auto out = feedback(runs, event, false);
  report(scope, event, runs, out.blocked);
  return out;
}

std::string Hooks::session_start(const HookScope& scope, bool resumed) {
  {
    std::lock_guard lock(mutex_);
    if (!open_sessions_.emplace(scope.origin.session_id, scope.cwd).second) return {};
  }
  const std::string source = resumed ? "resume" : "startup";
  auto runs = run_event(scope, HookEvent::kSessionStart, source, false, json{{"source", source}});
  auto out = feedback(runs, HookEvent::kSessionStart, true);
  report(scope, HookEvent::kSessionStart, runs, false);
  return out.context;
}

void Hooks::end_sessions(const std::string& reason) {
  std::map<std::string, std::filesystem::path> open;
  {
    std::lock_guard lock(mutex_);
    open.swap(open_sessions_);
  }
  for (const auto& [id, cwd] : open) {
    HookScope scope;
    scope.origin.session_id = id;
    scope.cwd = cwd;
    run_event(scope, HookEvent::kSessionEnd, reason, false, json{{"reason", reason}});
  }
}

}  // namespace agentry::engine
