#pragma once
/// Internal to the store: how SessionInfo, TurnRecord and Message map onto table rows. The
/// column lists and the bind/read functions are kept side by side so they cannot drift apart.
#include <string_view>

#include "core/error.hpp"
#include "store/session.hpp"
#include "store/sqlite.hpp"

namespace agentry::store {

/// The sessions columns, in the order bind_session binds (?1..?12) and read_session reads.
inline constexpr std::string_view kSessionColumns =
    "id, parent_id, parent_tool_call_id, agent, model, provider, cwd, title, status, result, "
    "created_at, updated_at";

/// The turns columns after session_id, in the order bind_turn binds (?2..?10) and read_turn
/// reads (0..8).
inline constexpr std::string_view kTurnColumns =
    "turn, first_seq, message_count, input_tokens, output_tokens, cache_read_tokens, "
    "cache_write_tokens, cost_usd, created_at";

/// The compactions columns after session_id, in the order bind_compaction binds (?2..?8) and
/// read_compaction reads (0..6).
inline constexpr std::string_view kCompactionColumns =
    "idx, at_seq, how, tokens_before, tokens_after, view, created_at";

void bind_session(sqlite::Statement& stmt, const SessionInfo& info);
[[nodiscard]] Result<SessionInfo> read_session(const sqlite::Statement& stmt);

void bind_turn(sqlite::Statement& stmt, const TurnRecord& record);
TurnRecord read_turn(const sqlite::Statement& stmt);

/// Binds the record's fields, its view as a JSON array of messages.
void bind_compaction(sqlite::Statement& stmt, const CompactionRecord& record);
/// Reads the kCompactionColumns; `session_id` names the session in a parse error.
[[nodiscard]] Result<CompactionRecord> read_compaction(const sqlite::Statement& stmt,
                                                       std::string_view session_id);

/// Binds role, text, tool_calls, tool_results as ?4..?7 (JSON arrays; NULL when empty).
void bind_message(sqlite::Statement& stmt, const Message& message);
/// Reads columns seq, turn, role, text, tool_calls, tool_results; `session_id` names the
/// session in a parse error.
[[nodiscard]] Result<StoredMessage> read_message(const sqlite::Statement& stmt,
                                                 std::string_view session_id);

}  // namespace agentry::store
