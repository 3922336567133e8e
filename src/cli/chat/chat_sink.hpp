#pragma once
/// Renders the engine's events in the chat: streamed text as markdown, one complete line at a
/// time (the incomplete line shows in the screen's live area meanwhile), a "● agent" header
/// whenever another agent or subagent starts speaking, tool calls and delegation through the
/// shared EventPrinter, and the status row (who is thinking, which tool runs). It also keeps
/// the chat's accounts: the top-level session id, tokens and cost.
///
/// While an approval prompt has the terminal, events are held back and shown after it.
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "cli/event_printer.hpp"
#include "engine/events.hpp"
#include "term/chat_screen.hpp"
#include "term/markdown.hpp"

namespace agentry::cli::chat {

class ChatSink final : public engine::EventSink {
 public:
  ChatSink(term::ChatScreen& screen, bool color);

  void on_event(const engine::Event& event) override;

  /// Called on the engine's thread before a tool runs (chat's /diff snapshots files here).
  void set_tool_observer(std::function<void(const ToolCall&)> observer);

  /// A turn with `agent` begins / ends (the live area and spinner come and go with it).
  void begin_turn(const std::string& agent, std::stop_token stop);
  void end_turn();

  /// An approval prompt is about to take / has given back the terminal.
  void begin_approval();
  void end_approval();
  /// The agent that last started a call of `tool` (who is asking for approval).
  std::string agent_calling(const std::string& tool) const;

  /// The depth-0 session of the current (or last) turn; "" before its first model turn.
  std::string top_session() const;
  /// Tokens of every model call in this chat, subagents included.
  Usage usage() const;
  /// Cost of this chat; nullopt when no price was known.
  std::optional<double> cost() const;
  /// True when the current turn's top-level error was already shown (not to repeat it).
  bool error_shown() const;
  /// The full last tool output (/last).
  std::string last_tool_output() const { return printer_.last_tool_output(); }

  /// Whether the model's reasoning shows (/thinking; off by default): dimmed, folded to one line
  /// per turn — the live area follows it while it streams, and the line stays when the answer
  /// or a tool call begins.
  void set_show_thinking(bool on);
  bool show_thinking() const;

  /// Prints `text` (whole lines) above the live area.
  void print(std::string_view text) { screen_.print(text); }
  bool color() const { return color_; }

 private:
  struct Stream {
    std::string pending;  ///< text after the last newline
    term::MarkdownRenderer markdown;
    std::string agent;
    int depth = 0;
    bool started = false;       ///< a non-blank line was shown
    TerminalTextFilter filter;  ///< escapes cut between deltas are still recognised
    std::string reasoning;      ///< this turn's thinking not yet folded, whitespace collapsed
  };

  void account(const engine::Event& event);
  void show(const engine::Event& event);
  Stream& stream(const engine::Origin& origin);
  void header(const engine::Origin& origin);
  void emit_line(const std::string& session, Stream& s, const std::string& line);
  void flush(const std::string& session);
  void finish(const std::string& session);
  void update_partial(const std::string& session, Stream& s);
  void update_status();
  /// The one dimmed row that shows `s`'s reasoning: its end, fitted to the screen.
  std::string reasoning_row(const Stream& s) const;
  /// Prints the reasoning shown so far as its one line, and clears it.
  void fold_reasoning(const std::string& session, Stream& s);

  term::ChatScreen& screen_;
  bool color_;
  EventPrinter printer_;
  mutable std::mutex mutex_;
  std::function<void(const ToolCall&)> observer_;
  std::map<std::string, Stream> streams_;
  std::string speaking_;
  std::string partial_owner_;
  std::string top_session_;
  std::string turn_agent_;
  std::map<std::string, std::string> running_;  ///< call id -> "agent: tool"
  std::string thinking_;                        ///< who the model works for now
  std::map<std::string, std::string> callers_;  ///< tool -> agent that last called it
  Usage usage_;
  std::map<std::string, std::optional<double>> costs_;  ///< session -> cost this turn
  std::optional<double> settled_cost_;                  ///< earlier turns
  bool error_shown_ = false;
  bool show_thinking_ = false;
  int approvals_ = 0;
  std::vector<engine::Event> held_;
};

}  // namespace agentry::cli::chat
