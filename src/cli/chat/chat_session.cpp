#include "cli/chat/chat_session.hpp"

#include <cstdlib>
#include <future>
#include <iostream>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/sinks/ringbuffer_sink.h>

#include "app/custom_commands.hpp"
#include "cli/chat/chat_loop.hpp"
#include "cli/commands.hpp"
#include "cli/event_printer.hpp"
#include "core/config.hpp"
#include "core/paths.hpp"
#include "core/text.hpp"

namespace agentry::cli::chat {

namespace fs = std::filesystem;

namespace {

std::unique_ptr<term::ResizeSignal> resize_signal_for_terminal() {
  return ::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO) ? term::ResizeSignal::open() : nullptr;
}

}  // namespace

int run_chat(app::Services& services, const ChatOptions& options) {
  ChatLoop loop(services, options);
  return loop.run();
}

ChatLoop::ChatLoop(app::Services& services, ChatOptions options)
    : services_(services),
      ctx_(services.context()),
      options_(std::move(options)),
      resize_(resize_signal_for_terminal()),
      processes_(services.user_runner()) {}

std::string ChatLoop::canonical_cwd() const {
  std::error_code ec;
  return fs::weakly_canonical(ctx_.cwd, ec).string();
}

std::string ChatLoop::configured_agent() const {
  // A settings error is reported by the runner, when the first message needs it.
  auto settings = services_.settings();
  return settings ? (*settings)->default_agent.value : engine::EngineLimits{}.default_agent;
}

std::string ChatLoop::default_agent() {
  std::string wanted = configured_agent();
  std::string first_primary;
  for (const auto* a : runner().agents()) {
    if (a->name == wanted && a->mode != agents::AgentMode::kSubagent) return a->name;
    if (first_primary.empty() && a->mode == agents::AgentMode::kPrimary) first_primary = a->name;
  }
  return first_primary.empty() ? wanted : first_primary;
}

bool ChatLoop::agent_exists(const std::string& name) {
  for (const auto* a : runner().agents()) {
    if (a->name == name) return true;
  }
  return false;
}

engine::TaskRunner& ChatLoop::runner() {
  if (runner_) return *runner_;
  auto built = building_.get();
  if (held_log_) {
    ctx_.log = std::move(held_log_);
    for (const auto& line : log_buffer_->last_formatted())
      warn(terminal_safe(line));
    log_buffer_.reset();
  }
  if (!built) throw CommandError(built.error());
  runner_ = std::move(*built);
  update_agent_color();
  // The prompt showed the configured agent while the registry loaded; now it can be checked.
  if (options_.agent.empty()) {
    agent_ = default_agent();
  } else if (!agent_exists(agent_)) {
    std::string names;
    for (const auto* a : runner_->agents())
      names += (names.empty() ? "" : ", ") + a->name;
    throw CommandError(Error(ErrorCode::kNotFound, fmt::format("no agent named '{}'", agent_),
                             "--agent", fmt::format("the agents are: {}", names)));
  }
  return *runner_;
}

void ChatLoop::set_up() {
  // A dumb terminal cannot take the editor's cursor movements: it gets plain line input.
  interactive_ =
      ::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO) && ctx_.env.get_or("TERM", "") != "dumb";
  if (interactive_) modes_ = term::TerminalModes::open(STDIN_FILENO);
  interactive_ = interactive_ && modes_ != nullptr;
  if (modes_) {
    interrupts_.on_force_quit([this] {
      modes_->restore();
      static_cast<void>(::write(STDOUT_FILENO, "\n", 1));
      std::_Exit(kExitInterrupted);
    });
  }
  color_ = want_color(STDOUT_FILENO, ctx_.env);

  // The engine's composition (config, agents, tools, store) loads while the prompt is already
  // up: the first message, completion or command that needs it waits for it.
  // Its warnings (a broken agent file) must not land in the middle of the prompt being edited:
  // they are held and shown once it has loaded.
  if (interactive_ && ctx_.log_file.empty() && ctx_.log) {
    held_log_ = ctx_.log;
    auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
    sink->set_pattern("%l: %v");
    ctx_.log = std::make_shared<spdlog::logger>("agentry", sink);
    ctx_.log->set_level(held_log_->level());
    log_buffer_ = std::move(sink);
  }
  building_ = std::async(std::launch::async, [this] { return services_.task_runner(); });
  agent_ = options_.agent.empty() ? configured_agent() : options_.agent;
  model_ = options_.model;

  int columns = interactive_ ? term::window_size(STDOUT_FILENO, ctx_.env).columns : 100;
  bool live = interactive_;
  screen_ = std::make_unique<term::ChatScreen>(stdout, live, color_, columns,
                                               interactive_ ? STDOUT_FILENO : -1);
  sink_ = std::make_unique<ChatSink>(*screen_, color_);
  std::unique_ptr<app::TerminalApprover> terminal;
  if (options_.permission_mode != engine::PermissionMode::kBypass)
    terminal = services_.terminal_approver();
  approver_ = std::make_unique<ChatApprover>(*sink_, modes_.get(), std::move(terminal));

  if (auto ws = tools::Workspace::open(ctx_.cwd)) workspace_ = std::move(*ws);
  load_commands();
  changes_ = std::make_unique<WorkspaceChanges>(fs::path(canonical_cwd()), ctx_.data_dir / "tools",
                                                processes_, ctx_.env);
  sink_->set_tool_observer([this](const ToolCall& call) { changes_->before_tool(call); });

  if (interactive_) {
    auto history = term::History::load(user_data_dir(ctx_.env) / "history");
    if (history) {
      history_ = std::move(*history);
    } else {
      ctx_.log->warn("{}", history.error().to_string());
    }
    editor_ = std::make_unique<term::LineEditor>(*modes_, STDOUT_FILENO, history_, resize_.get(),
                                                 ctx_.env);
    editor_->set_completer(
        [this](std::string_view text, std::size_t cursor) { return complete(text, cursor); });
  }
}

int ChatLoop::run() {
  set_up();
  note(fmt::format("agentry {} · {} · {}", AGENTRY_VERSION, agent_, ctx_.cwd.string()));
  note("/help · Tab completes · Alt-Enter or \\ for a new line · Ctrl-C stops · Ctrl-D quits");
  if (options_.continue_last) {
    auto last = runner().latest_session(ctx_.cwd);
    if (!last) throw CommandError(last.error());
    resume(*last, false);
  } else if (!options_.resume.empty()) {
    resume(options_.resume, false);
  } else {
    send_initial_prompt();
  }
  while (auto line = next_line()) {
    if (!handle_line(*line)) break;
  }
  if (held_log_) {  // quit before the engine was needed: give main its logger back
    building_.wait();
    ctx_.log = std::move(held_log_);
  }
  return kExitOk;
}

std::string ChatLoop::prompt() const {
  std::string name = model_.empty() ? agent_ : fmt::format("{} · {}", agent_, model_);
  return color_ ? fmt::format("\x1b[{}m{}\x1b[0m ❯ ", agent_color_, name) : name + " ❯ ";
}

std::optional<std::string> ChatLoop::next_line() {
  if (editor_) {
    auto result = editor_->read(prompt());
    if (result.status != term::ReadStatus::kLine) return std::nullopt;
    if (auto added = history_.add(result.text); !added)
      ctx_.log->warn("{}", added.error().to_string());
    return result.text;
  }
  std::string line;
  if (!std::getline(std::cin, line)) return std::nullopt;
  auto trailing_backslashes = [](const std::string& s) {
    std::size_t n = 0;
    while (n < s.size() && s[s.size() - 1 - n] == '\\')
      ++n;
    return n;
  };
  while (trailing_backslashes(line) % 2 == 1) {
    line.back() = '\n';
    std::string more;
    if (!std::getline(std::cin, more)) break;
    line += more;
  }
  if (!is_blank(line)) say(prompt() + line);
  return line;
}

bool ChatLoop::handle_line(const std::string& line) {
  if (is_blank(line)) return true;
  if (auto command = parse_slash_command(line)) return run_command(*command);
  if (auto shell = parse_shell_line(line)) {
    run_shell(*shell);
    return true;
  }
  send_message(line);
  return true;
}

engine::TaskRequest ChatLoop::request_for(std::string task) const {
  engine::TaskRequest request;
  request.agent = agent_;
  request.task = std::move(task);
  request.cwd = ctx_.cwd;
  request.session_id = session_id_;
  request.model = model_;
  request.effort = effort_;
  request.permission_mode = options_.permission_mode;
  request.approver = approver_.get();
  return request;
}

void ChatLoop::send_message(const std::string& text, const agents::CustomCommand* command,
                            std::string_view arguments) {
  engine::TaskRequest request = request_for(text);
  if (command != nullptr) {
    // The conversation's agent and model stay; the command's own are for its turn.
    request.agent.clear();
    request.model.clear();
    app::apply_custom_command(*command, arguments, request);
    if (request.agent.empty()) request.agent = agent_;
    if (request.model.empty()) request.model = model_;
  }
  std::string message = request.task;
  if (workspace_) {
    auto expanded = attach_files(message, *workspace_);
    for (const auto& problem : expanded.problems)
      warn(problem);
    for (const auto& file : expanded.files)
      note(fmt::format("+ {} ({} lines) attached", file.path, file.lines));
    message = std::move(expanded.text);
  }
  if (!shared_context_.empty()) {
    message += "\n\n" + shared_context_;
    shared_context_.clear();
  }
  request.task = std::move(message);
  static_cast<void>(run_turn(std::move(request)));
}

Result<engine::RunResult> ChatLoop::run_turn(std::string task, bool compact_only) {
  engine::TaskRequest request = request_for(std::move(task));
  request.compact_only = compact_only;
  return run_turn(std::move(request));
}

Result<engine::RunResult> ChatLoop::run_turn(engine::TaskRequest request) {
  auto& runner = this->runner();
  interrupts_.rearm();
  auto stop = interrupts_.token();
  if (modes_) modes_->busy();
  sink_->begin_turn(request.agent, stop);
  auto result = runner.run(request, *sink_, stop);
  sink_->end_turn();
  if (auto session = sink_->top_session(); !session.empty()) session_id_ = session;
  if (!result) {
    if (result.error().code == ErrorCode::kCancelled) {
      note("⏹ cancelled — the conversation goes on");
    } else if (!sink_->error_shown()) {
      warn(fmt::format("✗ {}", terminal_safe(result.error().to_string())));
    }
  } else if (result->reason != engine::StopReason::kCompleted) {
    note(fmt::format("(the turn ended: {})", engine::to_string(result->reason)));
  }
  say("");
  return result;
}

void ChatLoop::run_shell(const ShellLine& line) {
  interrupts_.rearm();
  auto stop = interrupts_.token();
  if (modes_) modes_->busy();
  screen_->start_busy(stop);
  screen_->set_status("$ " + line.command);
  auto outcome = run_shell_command(processes_, line.command, ctx_.cwd, ctx_.env, stop);
  screen_->stop_busy();
  if (!outcome.output.empty())
    screen_->print(outcome.output.ends_with('\n') ? outcome.output : outcome.output + "\n");
  if (outcome.cancelled) {
    note("⏹ stopped");
  } else if (!outcome.error.empty()) {
    warn(outcome.error);
  } else if (outcome.exit_code != 0) {
    note(fmt::format("exit code {}", outcome.exit_code));
  }
  if (line.share && !outcome.cancelled) {
    shared_context_ +=
        (shared_context_.empty() ? "" : "\n\n") + shared_command_context(line.command, outcome);
    note("(this output goes to the model with your next message)");
  }
}

Completion ChatLoop::complete(std::string_view text, std::size_t cursor) {
  CompletionSources sources;
  for (const auto* a : runner().agents())
    sources.agents.push_back(a->name);
  if (text.starts_with("/model")) sources.models = model_names();
  if (text.starts_with("/resume")) sources.sessions = recent_session_ids();
  for (const auto& c : commands_.commands())
    sources.commands.push_back(c.name);
  if (workspace_) {
    sources.paths = [this](std::string_view prefix) {
      return complete_workspace_path(*workspace_, prefix);
    };
  }
  return complete_input(text, cursor, sources);
}

void ChatLoop::say(std::string_view text) {
  screen_->print(fmt::format("{}\n", text));
}

void ChatLoop::note(std::string_view text) {
  say(color_ ? fmt::format("\x1b[2m{}\x1b[22m", text) : std::string(text));
}

void ChatLoop::warn(std::string_view text) {
  say(color_ ? fmt::format("\x1b[33m{}\x1b[39m", text) : std::string(text));
}

store::SessionStore* ChatLoop::store() {
  // The process's one connection, which the runner's turns write through too.
  auto opened = services_.session_store();
  if (!opened) {
    warn(opened.error().to_string());
    return nullptr;
  }
  return *opened;
}

}  // namespace agentry::cli::chat
