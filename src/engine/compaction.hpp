#pragma once
/// The pieces of making room in a session's history (the loop in engine.cpp drives them):
/// pruning old tool results to one-line markers, and building what the model sees after a
/// summary. A tool call is never separated from its results: an assistant message with calls is
/// always followed by the message holding all their results.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/message.hpp"
#include "engine/context_budget.hpp"

namespace agentry::engine {

/// Tool results shorter than this are left alone: their marker would save little.
inline constexpr std::size_t kPruneMinChars = 512;
/// How many of the newest assistant turns (with their results) pruning keeps whole.
inline constexpr int kKeepTurns = 3;

/// The one line that replaces a pruned result: the tool, its arguments (shortened) and the size
/// dropped, and that the model may call it again.
std::string pruned_marker(const ToolCall* call, const ToolResult& result);
/// Whether a result's content is already such a marker (or an unchanged_note). Only short
/// texts count: a file that merely begins like a marker is still pruned when old.
bool is_pruned(const std::string& content);

/// The one line that stands for a result identical to an earlier one still in the conversation.
std::string unchanged_note(const ToolCall& earlier);

/// Results of read-only calls (`read_only` says which) that repeat, byte for byte, the whole
/// result of an identical earlier call (same tool, same arguments) still unpruned in `history`:
/// their content becomes a short note pointing at that call, since the model has it already.
/// Models re-read files often; each repeat would otherwise stay in every later prompt. `calls`
/// and `results` are the newest turn's, not yet in `history`. Returns how many were replaced.
int note_unchanged_repeats(const std::vector<Message>& history, const std::vector<ToolCall>& calls,
                           std::vector<ToolResult>& results,
                           const std::function<bool(const ToolCall&)>& read_only);

/// Replaces the content of tool results older than the last `keep_turns` assistant messages,
/// oldest first, until `budget.next()` is at most `target` (or nothing is left to prune). Keeps
/// `budget` in step. Returns how many results were pruned.
int prune_tool_results(std::vector<Message>& history, int keep_turns, ContextBudget& budget,
                       std::int64_t target);

/// Where the newest turns that fit in `room_tokens` begin: an index of a message that is not a
/// tool message (so no call is cut from its results). At least the last such message, even if it
/// alone is larger; history.size() when there is none.
std::size_t tail_start(const std::vector<Message>& history, const ContextBudget& budget,
                       std::int64_t room_tokens);

/// The newer half of `transcript`, starting at a message that is not a tool message, behind a
/// user note that the earlier part is left out (for a compaction call that would not fit).
std::vector<Message> newer_half(const std::vector<Message>& transcript);

/// Drops the reasoning (Message::thinking) of every assistant message but the last: the APIs
/// need only the last assistant turn's thinking back (Anthropic, in the tool loop), and the
/// earlier thinking would only fill the window.
void drop_earlier_thinking(std::vector<Message>& history);

/// The history after a compaction: the summary as a user message, clearly marked, then `tail`
/// (merged into the tail's first message when that is a plain user message); only the last
/// assistant turn keeps its thinking (drop_earlier_thinking).
std::vector<Message> compacted_view(const std::string& summary, std::vector<Message> tail);

}  // namespace agentry::engine
