#pragma once
/// The values the session store hands out and takes in. Plain data, no database types, so that
/// the engine, the CLI and the exporters use them without touching SQLite.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/message.hpp"

namespace agentry::store {

/// Where a session stands. A session whose process was killed stays kRunning.
enum class SessionStatus { kRunning, kDone, kError, kCancelled };

/// "running", "done", "error", "cancelled": the spelling in the database and in exports.
const char* to_string(SessionStatus status);
/// The inverse of to_string; kParse error for anything else.
[[nodiscard]] Result<SessionStatus> parse_session_status(std::string_view text);

/// What the caller knows when a session starts. There is deliberately no place for credentials.
struct NewSession {
  std::string agent;     ///< agent name, e.g. "rust-pro"
  std::string model;     ///< model id as sent to the provider
  std::string provider;  ///< provider name from the configuration
  /// Working directory; pass it canonical (weakly_canonical, absolute) so that
  /// latest_session_for_cwd matches it byte for byte.
  std::string cwd;
  /// The task as given. Only its title (see make_title) is kept here; the task itself is the
  /// first user message, appended with append_turn.
  std::string task;
  std::optional<std::string> parent_id = {};            ///< set for a subagent's session
  std::optional<std::string> parent_tool_call_id = {};  ///< the parent's `task` tool call
};

/// One row of the sessions table.
struct SessionInfo {
  std::string id;
  std::optional<std::string> parent_id;
  std::optional<std::string> parent_tool_call_id;
  std::string agent;
  std::string model;
  std::string provider;
  std::string cwd;
  std::string title;
  SessionStatus status = SessionStatus::kRunning;
  std::optional<std::string> result;  ///< the final answer (or error text) once finished
  std::int64_t created_at_ms = 0;     ///< Unix time in milliseconds
  std::int64_t updated_at_ms = 0;     ///< last create, append, finish or reopen
  bool operator==(const SessionInfo&) const = default;
};

/// Tokens and money of one model turn.
struct TurnUsage {
  Usage tokens = {};
  std::optional<double> cost_usd = {};  ///< nullopt when the price is unknown
  bool operator==(const TurnUsage&) const = default;
};

/// One committed turn: its usage and which messages it brought.
struct TurnRecord {
  std::int64_t turn = 0;       ///< 0-based, per session
  std::int64_t first_seq = 0;  ///< seq of its first message
  std::int64_t message_count = 0;
  TurnUsage usage;
  std::int64_t created_at_ms = 0;
  bool operator==(const TurnRecord&) const = default;
};

/// A message with its position in the session.
struct StoredMessage {
  std::int64_t seq = 0;  ///< 0-based, dense, per session
  std::int64_t turn = 0;
  Message message;
  bool operator==(const StoredMessage&) const = default;
};

/// A compaction as the caller states it: what the model sees from now on.
struct NewCompaction {
  std::string how;                 ///< "pruned" or "summarised"
  std::int64_t tokens_before = 0;  ///< estimated prompt tokens before
  std::int64_t tokens_after = 0;   ///< estimated prompt tokens after
  std::vector<Message> view;       ///< the messages the model sees from now on (no system prompt)
};

/// One recorded compaction. The full transcript stays; resuming goes on from `view` followed by
/// the messages whose seq is at least `at_seq` (those appended after the compaction).
struct CompactionRecord {
  std::int64_t index = 0;   ///< 0-based, per session, in order
  std::int64_t at_seq = 0;  ///< the seq the next appended message got
  std::string how;
  std::int64_t tokens_before = 0;
  std::int64_t tokens_after = 0;
  std::vector<Message> view;
  std::int64_t created_at_ms = 0;
  bool operator==(const CompactionRecord&) const = default;
};

/// One file a writing tool call changed, as the caller saw it before and after the call:
/// contents (nullopt: the file did not exist). The store keeps the contents by hash.
struct NewFileChange {
  std::string call_id;
  std::string path;  ///< absolute
  std::optional<std::string> before;
  std::optional<std::string> after;
};

/// What file_changes and before_hash/after_hash say for a file that did not exist.
inline constexpr std::string_view kAbsent = "absent";

/// One recorded file change.
struct FileChange {
  std::int64_t id = 0;  ///< in the order they were recorded
  std::string session_id;
  std::string root_id;    ///< the top-level session of session_id
  std::int64_t turn = 0;  ///< the root's turn during which the call ran
  std::string call_id;
  std::string path;
  std::string before_hash;  ///< SHA-256 hex of the content, or kAbsent
  std::string after_hash;   ///< SHA-256 hex of the content, or kAbsent
  std::int64_t created_at_ms = 0;
  bool reverted = false;
  /// The root's turn that holds the user's message this change answered (the turn the message
  /// was recorded with; `turn` itself when it cannot be told) and that message's text.
  std::int64_t prompt_turn = 0;
  std::string prompt;
  bool operator==(const FileChange&) const = default;
};

/// Sums over turns (of one session or a tree of them).
struct UsageTotals {
  Usage tokens;
  /// Sum of the known per-turn costs; nullopt when no turn had a price.
  std::optional<double> cost_usd;
  std::int64_t turns = 0;
  std::int64_t unpriced_turns = 0;  ///< turns whose cost is unknown (not counted in cost_usd)
  std::int64_t sessions = 0;        ///< sessions summed over
  bool operator==(const UsageTotals&) const = default;
};

/// Everything about one session, read in one consistent snapshot: what the exporters print.
struct Transcript {
  SessionInfo session;
  std::vector<StoredMessage> messages;        ///< by seq
  std::vector<TurnRecord> turns;              ///< by turn
  std::vector<CompactionRecord> compactions;  ///< by index; each one's view included
  std::vector<SessionInfo> children;          ///< direct subagent sessions, oldest first
};

/// The title of a task: its first non-blank line, trimmed, cut to at most 120 bytes at a UTF-8
/// character boundary (with "…" appended when cut).
std::string make_title(std::string_view task);

}  // namespace agentry::store
