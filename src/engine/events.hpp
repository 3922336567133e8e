#pragma once
/// Typed events the engine emits while it works. The engine never prints: every front-end
/// (chat, run, batch, mcp) renders this one stream. Visit `Event` exhaustively (no default
/// branch), so a new event breaks every front-end's build until it is handled.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "core/error.hpp"
#include "core/message.hpp"

namespace agentry::engine {

/// Which agent, in which session, at which delegation depth (0 = the top-level agent).
struct Origin {
  std::string session_id;
  std::string agent;
  int depth = 0;
};

struct TurnStarted {
  Origin origin;
  int turn = 0;  ///< 1-based model turn within the session
};
struct TextDelta {
  Origin origin;
  std::string text;
};
/// Reasoning text as the model streams it (issue 19): shown, never part of the answer.
struct ThinkingDelta {
  Origin origin;
  std::string text;
};
struct ToolCallStarted {
  Origin origin;
  ToolCall call;
};
struct ToolCallFinished {
  Origin origin;
  ToolCall call;
  ToolResult result;
  std::int64_t duration_ms = 0;
};
/// A running tool says how far it got (an MCP server's notifications/progress).
struct ToolCallProgress {
  Origin origin;
  std::string call_id;
  double progress = 0;
  std::optional<double> total;  ///< unset when the tool does not know
  std::string message;          ///< may be empty
};
struct UsageUpdated {
  Origin origin;
  Usage turn;                      ///< this model call
  Usage total;                     ///< the session so far
  std::optional<double> cost_usd;  ///< the session so far; unset when the price is unknown
};
struct SubagentStarted {
  Origin origin;  ///< the parent
  std::string child_session_id;
  std::string child_agent;
  std::string description;
};
struct SubagentFinished {
  Origin origin;  ///< the parent
  std::string child_session_id;
  std::string child_agent;
  bool ok = true;
};

/// The session's history was made smaller to fit the model's context window.
struct ContextCompacted {
  Origin origin;
  std::string how;                 ///< "pruned" (old tool results) | "summarised"
  std::int64_t tokens_before = 0;  ///< estimated prompt tokens before
  std::int64_t tokens_after = 0;   ///< estimated prompt tokens after
};

/// A hook command ran (hooks.hpp).
struct HookRan {
  Origin origin;
  std::string event;  ///< "PreToolUse", "PostToolUse", …
  std::string command;
  int exit_code = 0;  ///< -1 when a signal ended it or it could not start
  bool blocked = false;
  bool timed_out = false;
};

/// Why a session's run ended.
enum class StopReason { kCompleted, kMaxSteps, kLoopDetected, kCancelled, kError };
const char* to_string(StopReason reason);

struct Done {
  Origin origin;
  StopReason reason = StopReason::kCompleted;
  std::string result;  ///< the final answer
};
struct ErrorOccurred {
  Origin origin;
  Error error;
};

using Event = std::variant<TurnStarted, TextDelta, ThinkingDelta, ToolCallStarted, ToolCallProgress,
                           ToolCallFinished, UsageUpdated, SubagentStarted, SubagentFinished,
                           ContextCompacted, HookRan, Done, ErrorOccurred>;

/// Receives events. Called from several threads when tools or subagents run in parallel:
/// implementations must be thread-safe and quick.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_event(const Event& event) = 0;
};

/// Discards everything (for callers that only want the result).
class NullSink final : public EventSink {
 public:
  void on_event(const Event&) override {}
};

}  // namespace agentry::engine
