// The chat's slash commands (see slash_commands.hpp for the table and parsing).
#include <algorithm>
#include <charconv>
#include <chrono>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "cli/chat/chat_loop.hpp"
#include "cli/chat/slash_commands.hpp"
#include "cli/commands.hpp"
#include "core/effort.hpp"
#include "core/text.hpp"
#include "engine/task_tool.hpp"
#include "engine/tool_access.hpp"
#include "llm/provider_config.hpp"
#include "term/display_width.hpp"
#include "term/markdown.hpp"

namespace agentry::cli::chat {

namespace {

constexpr const char* kKeysHelp =
    "Keys: Enter sends · Alt-Enter, or \\ at the end, starts a new line · Tab completes "
    "commands, agents and @paths · Up/Down walk the history · Ctrl-A/E line start/end · "
    "Ctrl-W/U/K cut, Ctrl-Y pastes back · Ctrl-L clears the screen · Ctrl-C clears the line or "
    "stops the turn; twice on an empty prompt quits · Ctrl-D on an empty prompt quits.\n"
    "Input: @path attaches a workspace file · !cmd runs a command yourself (through /bin/sh; "
    "only you see its output) · !!cmd also hands its output to the agent with your next message.";

std::string first_line(std::string_view text) {
  auto nl = text.find('\n');
  return std::string(text.substr(0, nl));
}

std::string ago(std::int64_t ms) {
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  auto s = std::max<std::int64_t>(0, (now - ms) / 1000);
  if (s < 60) return fmt::format("{}s ago", s);
  if (s < 3600) return fmt::format("{}m ago", s / 60);
  if (s < 86400) return fmt::format("{}h ago", s / 3600);
  return fmt::format("{}d ago", s / 86400);
}

}  // namespace

bool ChatLoop::run_command(const SlashCommand& command) {
  const auto& name = command.name;
  const auto& args = command.args;
  if (name == "exit" || name == "quit") return false;
  if (name == "help") {
    show_help(args);
  } else if (name == "agents") {
    show_agents();
  } else if (name == "agent") {
    switch_agent(args);
  } else if (name == "model") {
    choose_model(args);
  } else if (name == "effort") {
    choose_effort(args);
  } else if (name == "thinking") {
    toggle_thinking();
  } else if (name == "tools") {
    show_tools();
  } else if (name == "clear") {
    clear_conversation();
  } else if (name == "compact") {
    compact();
  } else if (name == "cost") {
    show_cost();
  } else if (name == "sessions") {
    show_sessions();
  } else if (name == "resume") {
    if (args.empty()) {
      warn("/resume needs a session id; /sessions lists them");
    } else {
      resume(args, true);
    }
  } else if (name == "diff") {
    show_diff();
  } else if (name == "undo") {
    undo(args);
  } else if (name == "rewind") {
    rewind(args);
  } else if (name == "last") {
    show_last();
  } else if (!run_custom_command(command)) {
    auto close = suggest_slash_commands(name);
    std::string hint;
    for (const auto& c : close)
      hint += (hint.empty() ? "; did you mean /" : " or /") + c;
    warn(fmt::format("unknown command /{}{}? /help lists the commands", name, hint));
  }
  return true;
}

void ChatLoop::show_help(const std::string& topic) {
  if (!topic.empty()) {
    std::string bare = topic.starts_with('/') ? topic.substr(1) : topic;
    if (const auto* spec = find_slash_command(bare)) {
      say(fmt::format("/{} {} — {}", spec->name, spec->args, spec->help));
    } else if (const auto* custom = commands_.find(bare)) {
      say(terminal_safe(fmt::format("/{} {} — {} ({})", custom->name, custom->argument_hint,
                                    custom->description, custom->source.string())));
    } else {
      warn(fmt::format("no command /{}", bare));
    }
    return;
  }
  std::string out = "Commands:\n";
  for (const auto& c : slash_commands()) {
    std::string usage = fmt::format("/{} {}", c.name, c.args);
    out += fmt::format(
        "  {}{} {}\n", usage,
        std::string(static_cast<std::size_t>(std::max(1, 18 - term::display_width(usage))), ' '),
        c.help);
  }
  say(out + custom_commands_help() + kKeysHelp);
}

void ChatLoop::show_agents() {
  std::string out;
  int width = screen_->columns();
  for (const auto* a : runner().agents()) {
    std::string mark = a->name == agent_ ? "*" : " ";
    std::string line = fmt::format("{} {} ({}) — {}", mark, a->name, agents::to_string(a->mode),
                                   first_line(terminal_safe(a->description)));
    out += term::truncate_to_width(line, width - 1) + "\n";
  }
  screen_->print(out);
}

void ChatLoop::switch_agent(const std::string& name) {
  if (name.empty()) {
    say(fmt::format("talking to {}; /agent NAME switches (/agents lists them)", agent_));
    return;
  }
  if (!agent_exists(name)) {
    std::vector<std::string> close;
    for (const auto* a : runner().agents()) {
      if (a->name.find(name) != std::string::npos) close.push_back(a->name);
    }
    warn(fmt::format("no agent named '{}'{}", name,
                     close.empty() ? "; /agents lists them"
                                   : fmt::format("; did you mean {}?", fmt::join(close, ", "))));
    return;
  }
  agent_ = name;
  update_agent_color();
  note(fmt::format("now talking to {}{}", agent_,
                   session_id_.empty() ? "" : " (the conversation goes on)"));
}

std::vector<std::string> ChatLoop::model_names() {
  if (models_) return *models_;
  auto settings = services_.settings();
  models_ = model_completions(settings ? &(*settings)->llm : nullptr);
  return *models_;
}

void ChatLoop::choose_model(const std::string& model) {
  if (model.empty()) {
    std::string agent_model;
    for (const auto* a : runner().agents()) {
      if (a->name == agent_) agent_model = a->model;
    }
    say(model_.empty()
            ? fmt::format("model: {}'s own ({}); /model NAME overrides it", agent_,
                          agent_model.empty() ? "the provider's default" : agent_model)
            : fmt::format("model: {} (for every agent; /model default undoes it)", model_));
    return;
  }
  model_ = model == "default" ? "" : model;
  note(model_.empty() ? "model: each agent's own" : fmt::format("model: {} from now on", model_));
}

void ChatLoop::choose_effort(const std::string& level) {
  if (level.empty()) {
    say(effort_.empty()
            ? fmt::format("effort: {}'s own; /effort LEVEL sets {}", agent_, kEffortChoices)
            : fmt::format("effort: {} (for every agent; /effort default undoes it)", effort_));
    return;
  }
  if (level != "default" && !is_effort_level(level)) {
    warn(fmt::format("no effort '{}': use {}, or default", level, kEffortChoices));
    return;
  }
  effort_ = level == "default" ? "" : level;
  note(effort_.empty() ? "effort: each agent's own"
                       : fmt::format("effort: {} from now on", effort_));
}

void ChatLoop::toggle_thinking() {
  bool on = !sink_->show_thinking();
  sink_->set_show_thinking(on);
  note(on ? "thinking: shown (dimmed, one line per turn); /thinking hides it" : "thinking: hidden");
}

void ChatLoop::show_tools() {
  const agents::AgentDefinition* agent = nullptr;
  for (const auto* a : runner().agents()) {
    if (a->name == agent_) agent = a;
  }
  auto specs = services_.tool_specs();
  if (agent == nullptr || !specs) {
    warn(specs ? "no such agent" : specs.error().to_string());
    return;
  }
  engine::ToolAccess access(*agent);
  std::string out = fmt::format("{} may call:\n", agent_);
  int width = screen_->columns();
  for (const auto& spec : *specs) {
    if (!access.offers(spec.schema.name)) continue;
    std::string line = fmt::format("  {}{} — {}", spec.schema.name, spec.writes ? " (asks)" : "",
                                   first_line(spec.schema.description));
    out += term::truncate_to_width(line, width - 1) + "\n";
  }
  if (access.offers(engine::kTaskToolName))
    out += "  task — hand work to a subagent (/agents lists them)\n";
  screen_->print(out);
}

void ChatLoop::clear_conversation() {
  session_id_.clear();
  shared_context_.clear();
  if (interactive_) screen_->print("\x1b[H\x1b[2J");
  note(fmt::format("new conversation with {}", agent_));
}

void ChatLoop::compact() {
  if (session_id_.empty()) {
    note("nothing to compact yet");
    return;
  }
  // The engine's own compaction, as when a session outgrows its window: the model summarises
  // the session, which goes on from that summary and its last turns (the sink prints the line).
  note("compacting: the model summarises the conversation…");
  if (!run_turn({}, true)) note("the conversation goes on as it was");
}

namespace {

/// ", 900 read from cache, 50 written to cache" (each part only when not zero).
std::string cache_note(const Usage& usage) {
  std::string note;
  if (usage.cache_read_tokens) note += fmt::format(", {} read from cache", usage.cache_read_tokens);
  if (usage.cache_write_tokens)
    note += fmt::format(", {} written to cache", usage.cache_write_tokens);
  return note;
}

}  // namespace

void ChatLoop::show_cost() {
  auto usage = sink_->usage();
  auto cost = sink_->cost();
  std::string out =
      fmt::format("this chat: {} input tokens, {} output{} · {}\n", usage.input_tokens,
                  usage.output_tokens, cache_note(usage),
                  cost ? fmt::format("${:.4f}", *cost) : "cost unknown (no price for this model)");
  if (!session_id_.empty()) {
    if (auto* s = store()) {
      if (auto tree = s->tree_usage(session_id_)) {
        out += fmt::format(
            "session {} (all its turns and subagents): {} input, {} output tokens{} · {}\n",
            session_id_.substr(0, 10), tree->tokens.input_tokens, tree->tokens.output_tokens,
            cache_note(tree->tokens),
            tree->cost_usd ? fmt::format("${:.4f}", *tree->cost_usd) : "cost unknown");
      }
    }
  }
  screen_->print(out);
}

std::vector<std::string> ChatLoop::recent_session_ids() {
  std::vector<std::string> out;
  auto* s = store();
  if (s == nullptr) return out;
  store::SessionFilter filter;
  filter.cwd = canonical_cwd();
  filter.roots_only = true;
  filter.limit = 50;
  if (auto sessions = s->list_sessions(filter)) {
    for (const auto& info : *sessions)
      out.push_back(info.id);
  }
  return out;
}

void ChatLoop::show_sessions() {
  auto* s = store();
  if (s == nullptr) return;
  store::SessionFilter filter;
  filter.cwd = canonical_cwd();
  filter.roots_only = true;
  filter.limit = 20;
  auto sessions = s->list_sessions(filter);
  if (!sessions) {
    warn(sessions.error().to_string());
    return;
  }
  if (sessions->empty()) {
    note("no conversations in this directory yet");
    return;
  }
  std::string out;
  int width = screen_->columns();
  for (const auto& info : *sessions) {
    std::string line = fmt::format("{} {}  {:>8}  {:<14} {}", info.id == session_id_ ? "*" : " ",
                                   info.id.substr(0, 10), ago(info.updated_at_ms), info.agent,
                                   terminal_safe(info.title));
    out += term::truncate_to_width(line, width - 1) + "\n";
  }
  screen_->print(out + "/resume ID continues one (the first characters of the id are enough)\n");
}

void ChatLoop::resume(const std::string& id, bool quiet_if_missing) {
  auto* s = store();
  if (s == nullptr) return;
  auto full = s->resolve_id(id);
  auto info = full.and_then([&](const std::string& f) { return s->get_session(f); });
  if (!info) {
    if (!quiet_if_missing) throw CommandError(info.error());
    warn(info.error().to_string());
    return;
  }
  session_id_ = info->id;
  if (agent_exists(info->agent)) agent_ = info->agent;
  note(fmt::format("resumed {} with {}: {}", info->id.substr(0, 10), agent_,
                   terminal_safe(info->title)));
  auto messages = s->load_messages(info->id);
  if (!messages) return;
  for (auto it = messages->rbegin(); it != messages->rend(); ++it) {
    if (it->role != Role::kAssistant || is_blank(it->text)) continue;
    term::MarkdownRenderer markdown({color_, screen_->columns()});
    std::string out = "\n";
    std::string text = terminal_safe(it->text);
    std::size_t pos = 0;
    int lines = 0;
    while (pos <= text.size() && lines < 30) {
      auto nl = text.find('\n', pos);
      for (const auto& row :
           markdown.render_line(text.substr(pos, nl == std::string::npos ? nl : nl - pos)))
        out += row + "\n";
      ++lines;
      if (nl == std::string::npos) break;
      pos = nl + 1;
    }
    for (const auto& row : markdown.finish())
      out += row + "\n";
    screen_->print(out + "\n");
    break;
  }
}

void ChatLoop::show_diff() {
  interrupts_.rearm();
  auto diff = changes_->diff(interrupts_.token());
  if (is_blank(diff)) {
    note(changes_->uses_git() ? "no changes (git diff is empty)"
                              : "no changes by the agent's tools in this chat");
    return;
  }
  screen_->print(approval_preview_text(diff, color_, 100000) + "\n");
}

namespace {

/// "--force" among the words of `args`, and the other words.
bool take_force(std::string& args) {
  std::istringstream words(args);
  std::string rest;
  bool force = false;
  for (std::string word; words >> word;) {
    if (word == "--force") {
      force = true;
    } else {
      rest += rest.empty() ? word : " " + word;
    }
  }
  args = rest;
  return force;
}

}  // namespace

void ChatLoop::undo(const std::string& args) {
  std::string rest = args;
  bool force = take_force(rest);
  if (!rest.empty()) {
    warn("/undo takes no argument but --force; /rewind TURN goes further back");
    return;
  }
  undo_changes({engine::UndoScope::Kind::kLastTurn, 0}, force, false);
}

void ChatLoop::rewind(const std::string& args) {
  std::string rest = args;
  bool force = take_force(rest);
  if (session_id_.empty()) {
    note("nothing to rewind: no conversation yet");
    return;
  }
  if (!rest.empty()) {
    std::int64_t turn = -1;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), turn);
    if (ec != std::errc() || end != rest.data() + rest.size() || turn < 0) {
      warn(fmt::format("/rewind takes a turn number, not '{}'; /rewind lists them", rest));
      return;
    }
    undo_changes({engine::UndoScope::Kind::kFromTurn, turn}, force, true);
    return;
  }
  auto undo = services_.undo();
  auto turns = undo.and_then([&](engine::Undo& u) { return u.turns(session_id_); });
  if (!turns) {
    warn(turns.error().to_string());
    return;
  }
  if (turns->empty()) {
    note("no turn of this conversation changed files");
    return;
  }
  std::string out;
  int width = screen_->columns();
  for (const auto& t : *turns) {
    std::string line = fmt::format("  turn {}{}: {} — {}", t.turn, t.undone ? " (undone)" : "",
                                   first_line(terminal_safe(t.prompt)), fmt::join(t.files, ", "));
    out += term::truncate_to_width(line, width - 1) + "\n";
  }
  screen_->print(out +
                 "/rewind TURN shows the diff, then puts back every change from that turn on\n");
}

void ChatLoop::undo_changes(const engine::UndoScope& scope, bool force, bool confirm) {
  if (session_id_.empty()) {
    note("nothing to undo: no conversation yet");
    return;
  }
  auto undo = services_.undo();
  if (!undo) {
    warn(undo.error().to_string());
    return;
  }
  auto plan = undo->plan(session_id_, scope);
  if (!plan) {
    warn(plan.error().to_string());
    return;
  }
  if (!plan->nothing.empty()) {
    note(plan->nothing);
    return;
  }
  auto diff = engine::Undo::diff(*plan);
  if (!diff.empty()) screen_->print(approval_preview_text(diff, color_, 100000) + "\n");
  if (confirm) {
    say(fmt::format("put back {} file{} as before {}? [y/N]", plan->files.size(),
                    plan->files.size() == 1 ? "" : "s", plan->what));
    auto answer = next_line();
    if (!answer || (trim(*answer) != "y" && trim(*answer) != "yes")) {
      note("nothing changed");
      return;
    }
  }
  auto applied = undo->apply(*plan, force);
  if (!applied) {
    warn(applied.error().to_string());
    return;
  }
  std::string done;
  for (const auto& f : plan->files)
    done += fmt::format("{}{} {}", done.empty() ? "" : ", ", f.target ? "restored" : "deleted",
                        f.shown);
  note(fmt::format("undid the changes of {}: {} (the agent is told)", plan->what, done));
}

void ChatLoop::show_last() {
  auto last = sink_->last_tool_output();
  if (last.empty()) {
    note("no tool has run yet");
    return;
  }
  std::string text = terminal_safe(last);
  screen_->print(text.ends_with('\n') ? text : text + "\n");
}

}  // namespace agentry::cli::chat
