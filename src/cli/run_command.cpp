// `agentry run`: the headless interface for parent programs and scripts. One task in, the final
// answer (text), one JSON object (json) or one event per line (stream-json) out.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <mutex>
#include <unistd.h>

#include <fmt/format.h>

#include "app/custom_commands.hpp"
#include "cli/chat/attachments.hpp"
#include "cli/chat/slash_commands.hpp"
#include "cli/commands.hpp"
#include "cli/event_printer.hpp"
#include "cli/interrupt.hpp"
#include "core/terminal_text.hpp"
#include "core/text.hpp"
#include "engine/event_json.hpp"
#include "tools/permission_mode.hpp"

namespace agentry::cli {

namespace {

/// Writes stream-json lines to stdout, one whole line at a time, flushed (parents read live).
class StreamJsonSink final : public engine::EventSink {
 public:
  void on_event(const engine::Event& event) override {
    if (const auto* started = std::get_if<engine::TurnStarted>(&event);
        started && started->origin.depth == 0) {
      std::lock_guard lock(mutex_);
      if (session_id_.empty()) session_id_ = started->origin.session_id;
    }
    write(engine::event_to_json(event));
  }
  /// The top-level session the run started (empty when none did).
  std::string session_id() {
    std::lock_guard lock(mutex_);
    return session_id_;
  }
  void write(const nlohmann::json& line) {
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::lock_guard lock(mutex_);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
  }

 private:
  std::mutex mutex_;
  std::string session_id_;
};

/// Remembers the top-level session id (for error results) and, when stderr is a terminal,
/// shows one line per tool call (and per progress report) so a person watching knows what
/// happens.
class QuietSink final : public engine::EventSink {
 public:
  explicit QuietSink(bool progress) : progress_(progress) {}
  void on_event(const engine::Event& event) override {
    std::lock_guard lock(mutex_);
    if (const auto* e = std::get_if<engine::TurnStarted>(&event); e && e->origin.depth == 0)
      session_id = e->origin.session_id;
    if (!progress_) return;
    if (const auto* e = std::get_if<engine::ToolCallFinished>(&event)) {
      fmt::print(stderr, "{}{} {} {} ({} ms)\n", std::string(2 * e->origin.depth, ' '),
                 e->result.is_error ? "✗" : "✓", terminal_safe_line(e->origin.agent),
                 terminal_safe_line(e->call.name), e->duration_ms);
    } else if (const auto* p = std::get_if<engine::ToolCallProgress>(&event)) {
      fmt::print(stderr, "{}⋯ {} {}\n", std::string(2 * p->origin.depth, ' '),
                 terminal_safe_line(p->origin.agent), terminal_safe_line(describe_progress(*p)));
    } else if (const auto* s = std::get_if<engine::SubagentStarted>(&event)) {
      fmt::print(stderr, "{}→ {} delegates to {}: {}\n", std::string(2 * s->origin.depth, ' '),
                 terminal_safe_line(s->origin.agent), terminal_safe_line(s->child_agent),
                 terminal_safe_line(s->description));
    } else if (const auto* h = std::get_if<engine::HookRan>(&event)) {
      fmt::print(stderr, "{}{}\n", std::string(2 * h->origin.depth, ' '), describe_hook(*h));
    }
  }
  std::string session_id;

 private:
  bool progress_;
  std::mutex mutex_;
};

/// The session an error result names: the one the run started, else the one it was to resume.
std::string started_or(const std::string& started, const engine::TaskRequest& request) {
  return started.empty() ? request.session_id : started;
}

int exit_code_for_result(const engine::RunResult& result) {
  switch (result.reason) {
    case engine::StopReason::kCompleted:
    case engine::StopReason::kMaxSteps:
      return kExitOk;
    case engine::StopReason::kCancelled:
      return kExitInterrupted;
    case engine::StopReason::kLoopDetected:
    case engine::StopReason::kError:
      return kExitFailed;
  }
  return kExitFailed;
}

struct RunOptions {
  std::vector<std::string> task_words;
  std::string agent;
  std::string model;
  std::string output_format = "text";
  std::string permission_mode = "ask";
  std::string resume;
  bool continue_last = false;
  std::optional<int> max_steps;
  std::string effort;
};

/// The `initialPrompt` of the agent a run without `--agent` or with `agent` starts.
std::string initial_prompt(app::Services& services, engine::TaskRunner& runner,
                           const std::string& agent) {
  std::string name = agent;
  if (name.empty()) {
    auto settings = services.settings();
    if (!settings) return {};
    name = (*settings)->default_agent.value;
  }
  for (const auto* def : runner.agents()) {
    if (def->name == name) return def->initial_prompt;
  }
  return {};
}

/// A task `/name ARGS` naming a custom command becomes that command's prompt (its `@path`
/// mentions attached as chat attaches them), agent, model and allowed tools.
void use_custom_command(app::Services& services, engine::TaskRequest& request) {
  auto line = chat::parse_slash_command(request.task);
  if (!line) return;  // a path ("/etc/hosts is …"), not a command
  const auto& ctx = services.context();
  auto commands = app::load_custom_commands(ctx);
  const auto* command = commands.find(line->name);
  if (command == nullptr) {
    std::string names;
    for (const auto& c : commands.commands())
      names += (names.empty() ? "" : ", /") + c.name;
    throw CommandError(
        Error(ErrorCode::kUsage, fmt::format("no custom command /{}", line->name), "agentry run",
              fmt::format("{}; to send a task that starts with '/', begin it with a space",
                          names.empty() ? "no command files were found (.claude/commands, "
                                          ".agentry/commands, .opencode/command)"
                                        : "the commands are /" + names)));
  }
  app::apply_custom_command(*command, line->args, request);
  if (auto workspace = tools::Workspace::open(ctx.cwd)) {
    auto expanded = chat::attach_files(request.task, *workspace);
    for (const auto& problem : expanded.problems)
      fmt::print(stderr, "agentry: {}\n", terminal_safe_line(problem));
    request.task = std::move(expanded.text);
  }
}

int run_task(app::Services& services, const RunOptions& opts) {
  const auto& ctx = services.context();
  auto started = std::chrono::steady_clock::now();
  engine::TaskRequest request;
  request.agent = opts.agent;
  request.model = opts.model;
  request.cwd = ctx.cwd;
  request.max_steps = opts.max_steps;
  request.effort = opts.effort;
  auto mode = tools::parse_permission_mode(opts.permission_mode);
  if (!mode) throw CommandError(mode.error());
  request.permission_mode = *mode;
  bool words =
      !opts.task_words.empty() && !(opts.task_words.size() == 1 && opts.task_words[0] == "-");
  for (const auto& w : opts.task_words)
    if (words) request.task += (request.task.empty() ? "" : " ") + w;

  InterruptWatcher interrupts;
  auto runner = services.task_runner(app::HttpLoading::kNow);
  if (!runner) throw CommandError(runner.error());
  if (!words) {
    // The agent's `initialPrompt` stands in for a task nobody gave: typed at a terminal, or
    // an empty standard input.
    std::string initial = initial_prompt(services, **runner, request.agent);
    bool ask_stdin = opts.task_words.size() == 1 || initial.empty() || !::isatty(STDIN_FILENO);
    if (ask_stdin) request.task.assign(std::istreambuf_iterator<char>(std::cin), {});
    if (is_blank(request.task)) request.task = initial;
  }
  if (is_blank(request.task)) {
    throw CommandError(Error(ErrorCode::kUsage, "no task given", "agentry run",
                             "pass the task as arguments or on standard input"));
  }
  if (request.task.starts_with('/')) use_custom_command(services, request);
  if (opts.continue_last) {
    auto last = (*runner)->latest_session(ctx.cwd);
    if (!last) throw CommandError(last.error());
    request.session_id = *last;
  } else {
    request.session_id = opts.resume;
  }

  auto elapsed = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 started)
        .count();
  };
  if (opts.output_format == "stream-json") {
    StreamJsonSink sink;
    sink.write({{"type", "system"},
                {"subtype", "init"},
                {"schema_version", engine::kStreamSchemaVersion},
                {"cwd", ctx.cwd.string()},
                {"agent", request.agent},
                {"model", request.model},
                {"resume", request.session_id}});
    auto result = (*runner)->run(request, sink, interrupts.token());
    if (!result) {
      sink.write(engine::error_result_to_json(result.error(),
                                              started_or(sink.session_id(), request), elapsed()));
      return exit_code_for(result.error());
    }
    sink.write(engine::result_to_json(*result));
    return exit_code_for_result(*result);
  }

  QuietSink sink(opts.output_format == "text" && ::isatty(STDERR_FILENO));
  auto result = (*runner)->run(request, sink, interrupts.token());
  if (opts.output_format == "json") {
    auto j = result ? engine::result_to_json(*result)
                    : engine::error_result_to_json(result.error(),
                                                   started_or(sink.session_id, request), elapsed());
    std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
    return result ? exit_code_for_result(*result) : exit_code_for(result.error());
  }
  if (!result) throw CommandError(result.error());
  // Text output is for a person (or a file a person cats): the model's escapes are not passed.
  std::string text = terminal_safe(result->result);
  std::cout << text;
  if (!text.ends_with('\n')) std::cout << '\n';
  std::cout.flush();
  if (result->reason != engine::StopReason::kCompleted) {
    fmt::print(stderr, "agentry: the run ended: {} (session {})\n",
               engine::to_string(result->reason), result->session_id);
  }
  return exit_code_for_result(*result);
}

}  // namespace

void set_run_command(CLI::App& app, app::Services& services) {
  auto opts = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run", "Run one task headlessly and print the answer");
  cmd->add_option("task", opts->task_words, "The task (default: read from standard input)");
  cmd->add_option("--agent,-a", opts->agent, "Agent to run (default: the primary agent)");
  cmd->add_option("--model,-m", opts->model, "Model as provider/model, an id or an alias");
  cmd->add_option("--output-format", opts->output_format, "text | json | stream-json")
      ->check(CLI::IsMember({"text", "json", "stream-json"}));
  cmd->add_option("--permission-mode", opts->permission_mode,
                  "ask | accept-edits | bypass (ask without a terminal denies)")
      ->check(CLI::IsMember({"ask", "accept-edits", "bypass"}));
  cmd->add_option("--max-steps", opts->max_steps, "Model turns before the agent must answer")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--effort", opts->effort,
                  "How hard the model thinks: low | medium | high | xhigh | max (default: the "
                  "agent's effort, else none)")
      ->check(CLI::IsMember({"low", "medium", "high", "xhigh", "max"}));
  auto* resume = cmd->add_option("--resume,-r", opts->resume, "Continue the session with this id");
  cmd->add_flag("--continue,-c", opts->continue_last,
                "Continue the latest session of this directory")
      ->excludes(resume);
  cmd->callback([&services, opts] {
    int code = run_task(services, *opts);
    if (code != kExitOk) throw CommandExit(code);
  });
}

}  // namespace agentry::cli
