#pragma once
/// Renders engine events for a person at a terminal: who speaks (agent, indented by delegation
/// depth), streamed text, one line per tool call with its key arguments, status and duration,
/// the result folded to a few lines, delegation, errors. Used by `demo` and `chat`.
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "core/environment.hpp"
#include "core/terminal_text.hpp"
#include "engine/events.hpp"

namespace agentry::cli {

struct PrinterStyle {
  bool color = false;    ///< ANSI colours (off for NO_COLOR or a non-terminal)
  int folded_lines = 6;  ///< lines of each tool result shown
  int width = 100;       ///< terminal columns, for cutting long lines
};

class EventPrinter final : public engine::EventSink {
 public:
  /// Where the printer's text goes: whole lines, except while text streams.
  using Writer = std::function<void(std::string_view)>;

  EventPrinter(std::FILE* out, PrinterStyle style);
  /// Writes through `write` (chat: above its live status area) instead of a FILE.
  EventPrinter(Writer write, PrinterStyle style) : write_(std::move(write)), style_(style) {}
  void on_event(const engine::Event& event) override;

  /// The full content of the last tool result (for chat's /last).
  std::string last_tool_output() const;
  /// Follows a terminal resize (folded result lines are cut to the width).
  void set_width(int width);
  /// Said after "… N more lines": how to see them (chat: " (/last shows all)").
  void set_fold_hint(std::string hint) { fold_hint_ = std::move(hint); }

 private:
  void end_line();
  void header(const engine::Origin& origin);
  std::string paint(const char* code, const std::string& text) const;
  void print(const std::string& text);

  Writer write_;
  PrinterStyle style_;
  std::string fold_hint_;
  mutable std::mutex mutex_;
  bool mid_line_ = false;
  std::string speaking_;                               ///< session id whose text is being streamed
  std::map<std::string, TerminalTextFilter> filters_;  ///< per streaming session
  std::string last_output_;
};

/// "path=src/lib.rs mode=check": the arguments a person wants to see, cut to `max` chars.
std::string summarise_arguments(const nlohmann::json& arguments, std::size_t max = 60);

/// What a running tool reported: "progress 2/5: indexing" (or "progress 2" without a total).
std::string describe_progress(const engine::ToolCallProgress& event);

/// One line for a compaction: "context compacted (summarised): 41,200 → 9,800 tokens".
std::string describe_compaction(const engine::ContextCompacted& event);
/// One line for a hook run: "hook PreToolUse `./guard.sh`: blocked (exit 2)".
std::string describe_hook(const engine::HookRan& event);

/// Whether to colour output: a terminal and no NO_COLOR.
bool want_color(int fd, const Environment& env);

}  // namespace agentry::cli
