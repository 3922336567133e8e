#include "cli/chat/chat_sink.hpp"

#include <fmt/format.h>

#include "core/text.hpp"
#include "term/display_width.hpp"

namespace agentry::cli::chat {

namespace {

constexpr std::size_t kMaxPartialBytes = 16384;

std::string pad_for(int depth) {
  return std::string(static_cast<std::size_t>(depth) * 2, ' ');
}

}  // namespace

ChatSink::ChatSink(term::ChatScreen& screen, bool color)
    : screen_(screen),
      color_(color),
      printer_([&screen](std::string_view text) { screen.print(text); },
               PrinterStyle{color, 6, screen.columns()}) {
  printer_.set_fold_hint(" (/last shows all)");
}

void ChatSink::set_tool_observer(std::function<void(const ToolCall&)> observer) {
  std::lock_guard lock(mutex_);
  observer_ = std::move(observer);
}

void ChatSink::on_event(const engine::Event& event) {
  std::unique_lock lock(mutex_);
  if (const auto* started = std::get_if<engine::ToolCallStarted>(&event); started && observer_) {
    auto observer = observer_;
    lock.unlock();  // snapshots read files: do not hold up other threads' events
    observer(started->call);
    lock.lock();
  }
  account(event);
  if (approvals_ > 0) {
    held_.push_back(event);
    return;
  }
  show(event);
}

void ChatSink::account(const engine::Event& event) {
  if (const auto* e = std::get_if<engine::TurnStarted>(&event)) {
    if (e->origin.depth == 0 && top_session_.empty()) top_session_ = e->origin.session_id;
  } else if (const auto* u = std::get_if<engine::UsageUpdated>(&event)) {
    usage_ += u->turn;
    costs_[u->origin.session_id] = u->cost_usd;
  } else if (const auto* c = std::get_if<engine::ToolCallStarted>(&event)) {
    callers_[c->call.name] = c->origin.agent;
  }
}

ChatSink::Stream& ChatSink::stream(const engine::Origin& origin) {
  auto it = streams_.find(origin.session_id);
  if (it == streams_.end()) {
    int width = std::max(20, screen_.columns() - 2 * origin.depth);
    it = streams_
             .emplace(origin.session_id, Stream{{},
                                                term::MarkdownRenderer({color_, width}),
                                                origin.agent,
                                                origin.depth,
                                                false,
                                                TerminalTextFilter(),
                                                {}})
             .first;
  }
  return it->second;
}

void ChatSink::header(const engine::Origin& origin) {
  if (speaking_ == origin.session_id) return;
  speaking_ = origin.session_id;
  std::string name = "● " + origin.agent;
  screen_.print(fmt::format("\n{}{}\n", pad_for(origin.depth),
                            color_ ? fmt::format("\x1b[1m{}\x1b[22m", name) : name));
}

void ChatSink::emit_line(const std::string& session, Stream& s, const std::string& line) {
  if (!s.started && is_blank(line, " \t\r")) return;  // leading blank lines of an answer
  s.started = true;
  header({session, s.agent, s.depth});
  s.markdown.set_width(std::max(20, screen_.columns() - 2 * s.depth));
  std::string out;
  for (const auto& row : s.markdown.render_line(line))
    out += pad_for(s.depth) + row + "\n";
  screen_.print(out);
}

std::string ChatSink::reasoning_row(const Stream& s) const {
  constexpr std::string_view kMark = "✻ ";
  int room = std::max(10, screen_.columns() - 2 * s.depth - 4);
  std::string_view text = s.reasoning;
  std::string shown;
  if (term::display_width(text) <= room) {
    shown = std::string(text);
  } else {
    // The end of it: what the model thinks now.
    std::size_t from = text.size();
    int width = 1;  // the ellipsis
    while (from > 0) {
      std::size_t before = term::previous_boundary(text, from);
      int w = term::display_width(text.substr(before, from - before));
      if (width + w > room) break;
      width += w;
      from = before;
    }
    shown = "…" + std::string(text.substr(from));
  }
  std::string row = std::string(kMark) + shown;
  return pad_for(s.depth) + (color_ ? fmt::format("[2m{}[22m", row) : row);
}

void ChatSink::fold_reasoning(const std::string& session, Stream& s) {
  if (s.reasoning.empty()) return;
  header({session, s.agent, s.depth});
  screen_.print(reasoning_row(s) + "\n");
  s.reasoning.clear();
  if (partial_owner_ == session) screen_.set_partial({});
}

void ChatSink::set_show_thinking(bool on) {
  std::lock_guard lock(mutex_);
  show_thinking_ = on;
}

bool ChatSink::show_thinking() const {
  std::lock_guard lock(mutex_);
  return show_thinking_;
}

void ChatSink::update_partial(const std::string& session, Stream& s) {
  if (s.pending.empty() || (!s.started && is_blank(s.pending, " \t\r"))) {
    if (partial_owner_ == session) screen_.set_partial({});
    return;
  }
  header({session, s.agent, s.depth});
  partial_owner_ = session;
  // The live area shows a few rows at most: hand it the tail of a very long line only.
  std::string_view text = s.pending;
  if (text.size() > kMaxPartialBytes) {
    std::size_t from = text.size() - kMaxPartialBytes;
    while (from < text.size() && (static_cast<unsigned char>(text[from]) & 0xC0) == 0x80)
      ++from;
    text.remove_prefix(from);
  }
  screen_.set_partial(pad_for(s.depth) + term::expand_tabs(text));
}

void ChatSink::flush(const std::string& session) {
  auto it = streams_.find(session);
  if (it == streams_.end()) return;
  fold_reasoning(session, it->second);
  if (!it->second.pending.empty()) {
    std::string line = std::move(it->second.pending);
    it->second.pending.clear();
    emit_line(session, it->second, line);
  }
  if (partial_owner_ == session) {
    screen_.set_partial({});
    partial_owner_.clear();
  }
}

void ChatSink::finish(const std::string& session) {
  flush(session);
  auto it = streams_.find(session);
  if (it == streams_.end()) return;
  std::string out;
  for (const auto& row : it->second.markdown.finish())
    out += pad_for(it->second.depth) + row + "\n";
  if (!out.empty()) screen_.print(out);
  streams_.erase(it);
}

void ChatSink::update_status() {
  std::string label;
  if (!running_.empty()) {
    label = running_.rbegin()->second;
    if (running_.size() > 1) label += fmt::format(" (+{} more)", running_.size() - 1);
  } else {
    label = (thinking_.empty() ? turn_agent_ : thinking_) + " is thinking";
  }
  screen_.set_status(label);
}

void ChatSink::show(const engine::Event& event) {
  struct Visitor {
    ChatSink& s;
    void operator()(const engine::TurnStarted& e) const {
      s.thinking_ = e.origin.agent;
      s.update_status();
    }
    void operator()(const engine::TextDelta& e) const {
      auto& st = s.stream(e.origin);
      s.fold_reasoning(e.origin.session_id, st);
      std::size_t from = st.pending.size();  // what came before holds no newline
      st.pending += st.filter.feed(e.text);
      for (auto nl = st.pending.find('\n', from); nl != std::string::npos;
           nl = st.pending.find('\n')) {
        std::string line = st.pending.substr(0, nl);
        st.pending.erase(0, nl + 1);
        s.emit_line(e.origin.session_id, st, line);
      }
      s.update_partial(e.origin.session_id, st);
    }
    void operator()(const engine::ThinkingDelta& e) const {
      if (!s.show_thinking_) return;
      auto& st = s.stream(e.origin);
      // Folded: every run of whitespace (newlines too) becomes one space.
      for (char c : terminal_safe(e.text)) {
        bool blank = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        if (!blank) {
          st.reasoning += c;
        } else if (!st.reasoning.empty() && st.reasoning.back() != ' ') {
          st.reasoning += ' ';
        }
      }
      if (st.reasoning.empty()) return;
      s.header(e.origin);
      s.partial_owner_ = e.origin.session_id;
      s.screen_.set_partial(s.reasoning_row(st));
    }
    void operator()(const engine::ToolCallStarted& e) const {
      s.flush(e.origin.session_id);
      s.printer_.on_event(e);
      s.speaking_.clear();
      if (e.call.name != "task") {
        std::string args = terminal_safe(summarise_arguments(e.call.arguments, 40));
        s.running_[e.call.id + e.origin.session_id] =
            fmt::format("{}: {}{}{}", e.origin.agent, e.call.name, args.empty() ? "" : " ", args);
      }
      s.update_status();
    }
    void operator()(const engine::ToolCallProgress& e) const {
      // Shown on the status line, beside the call it belongs to.
      auto it = s.running_.find(e.call_id + e.origin.session_id);
      if (it == s.running_.end()) return;
      auto cut = it->second.find(" ⋯ ");
      if (cut != std::string::npos) it->second.erase(cut);
      it->second += " ⋯ " + terminal_safe_line(describe_progress(e));
      s.update_status();
    }
    void operator()(const engine::ToolCallFinished& e) const {
      s.flush(e.origin.session_id);
      s.printer_.on_event(e);
      s.speaking_.clear();
      s.running_.erase(e.call.id + e.origin.session_id);
      s.thinking_ = e.origin.agent;
      s.update_status();
    }
    void operator()(const engine::UsageUpdated&) const {}
    void operator()(const engine::SubagentStarted& e) const {
      s.flush(e.origin.session_id);
      s.printer_.on_event(e);
      s.speaking_.clear();
      s.thinking_ = e.child_agent;
      s.update_status();
    }
    void operator()(const engine::SubagentFinished& e) const {
      s.finish(e.child_session_id);
      s.printer_.on_event(e);
      s.speaking_.clear();
      s.thinking_ = e.origin.agent;
      s.update_status();
    }
    void operator()(const engine::ContextCompacted& e) const {
      s.flush(e.origin.session_id);
      s.printer_.on_event(e);
      s.speaking_.clear();
      s.update_status();
    }
    void operator()(const engine::HookRan& e) const {
      s.flush(e.origin.session_id);
      s.printer_.on_event(e);
      s.speaking_.clear();
      s.update_status();
    }
    void operator()(const engine::Done& e) const { s.finish(e.origin.session_id); }
    void operator()(const engine::ErrorOccurred& e) const {
      s.finish(e.origin.session_id);
      // A cancelled turn is reported once, by the chat, not by every session it stopped.
      if (e.error.code != ErrorCode::kCancelled) s.printer_.on_event(e);
      if (e.origin.depth == 0) s.error_shown_ = true;
    }
  };
  std::visit(Visitor{*this}, event);
}

void ChatSink::begin_turn(const std::string& agent, std::stop_token stop) {
  std::lock_guard lock(mutex_);
  // Sessions report their cost per run; fold the last turn's into the settled total.
  for (const auto& [_, c] : costs_) {
    if (c) settled_cost_ = settled_cost_.value_or(0) + *c;
  }
  costs_.clear();
  streams_.clear();
  speaking_.clear();
  partial_owner_.clear();
  top_session_.clear();
  error_shown_ = false;
  running_.clear();
  thinking_.clear();
  turn_agent_ = agent;
  printer_.set_width(screen_.columns());
  screen_.start_busy(std::move(stop));
  update_status();
}

void ChatSink::end_turn() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> open;
  for (const auto& [session, _] : streams_)
    open.push_back(session);
  for (const auto& session : open)
    finish(session);
  screen_.stop_busy();
}

void ChatSink::begin_approval() {
  std::lock_guard lock(mutex_);
  for (auto& [session, st] : streams_) {
    if (!st.pending.empty() && partial_owner_ == session) flush(session);
  }
  ++approvals_;
  screen_.pause();
}

void ChatSink::end_approval() {
  std::lock_guard lock(mutex_);
  if (approvals_ > 0) --approvals_;
  screen_.resume();
  if (approvals_ > 0) return;
  auto held = std::move(held_);
  held_.clear();
  for (const auto& event : held)
    show(event);
}

std::string ChatSink::agent_calling(const std::string& tool) const {
  std::lock_guard lock(mutex_);
  auto it = callers_.find(tool);
  return it == callers_.end() ? turn_agent_ : it->second;
}

bool ChatSink::error_shown() const {
  std::lock_guard lock(mutex_);
  return error_shown_;
}

std::string ChatSink::top_session() const {
  std::lock_guard lock(mutex_);
  return top_session_;
}

Usage ChatSink::usage() const {
  std::lock_guard lock(mutex_);
  return usage_;
}

std::optional<double> ChatSink::cost() const {
  std::lock_guard lock(mutex_);
  std::optional<double> total = settled_cost_;
  for (const auto& [_, c] : costs_) {
    if (c) total = total.value_or(0) + *c;
  }
  return total;
}

}  // namespace agentry::cli::chat
