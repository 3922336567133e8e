#pragma once
/// Session exports, from a Transcript (SessionStore::load_transcript) to text: JSONL for
/// programs and markdown for people. Pure formatting: no database, no clock.
///
/// JSONL (export format version 1), one JSON object per line, in this order:
///   {"type":"session","version":1,"id":…,"parent_id":…|null,"parent_tool_call_id":…|null,
///    "agent":…,"model":…,"provider":…,"cwd":…,"title":…,"status":"running|done|error|cancelled",
///    "result":…|null,"created_at_ms":…,"updated_at_ms":…,"children":[ids]}
///   {"type":"message","seq":N,"turn":N,"role":"user|assistant|tool","text":…,
///    "tool_calls":[…],"tool_results":[…]}          one per message; fields as core::Message's
///                                                    JSON (empty ones omitted)
///   {"type":"compaction","index":N,"at_seq":N,"how":"pruned|summarised","tokens_before":N,
///    "tokens_after":N,"created_at_ms":N,"view":[messages]}
///                                                    one per compaction, just before the message
///                                                    with seq at_seq (after the last message when
///                                                    none followed it); `view` is what the model
///                                                    saw from then on
///   {"type":"usage","turn":N,"first_seq":N,"message_count":N,"input_tokens":N,
///    "output_tokens":N,"cache_read_tokens":N,"cache_write_tokens":N,"cost_usd":x|null,
///    "created_at_ms":N}                              one per turn
/// Invalid UTF-8 in any string is replaced by U+FFFD rather than failing the export.
#include <ostream>
#include <string>

#include "store/session.hpp"

namespace agentry::store {

/// The version written in the JSONL header line.
inline constexpr int kExportVersion = 1;

/// "— context compacted (summarised): 41,200 → 9,800 tokens —": how a transcript marks a
/// compaction (sessions show, the markdown export).
std::string compaction_mark(const CompactionRecord& compaction);

/// Calls `message` for each message and `compaction` for each compaction, in transcript order:
/// a compaction comes before the first message appended after it.
template <class OnMessage, class OnCompaction>
void for_each_entry(const Transcript& transcript, OnMessage&& message, OnCompaction&& compaction) {
  auto next = transcript.compactions.begin();
  for (const auto& m : transcript.messages) {
    for (; next != transcript.compactions.end() && next->at_seq <= m.seq; ++next)
      compaction(*next);
    message(m);
  }
  for (; next != transcript.compactions.end(); ++next)
    compaction(*next);
}

void write_jsonl(std::ostream& out, const Transcript& transcript);
std::string to_jsonl(const Transcript& transcript);

/// A readable transcript: a header table, then the user and assistant text, each tool call with
/// its arguments as pretty JSON, each tool result folded in a <details> block, the final result,
/// each compaction marked where it happened (with the summary the model went on from), the
/// subagent sessions and a usage table. People cat it, so it holds no terminal escapes: the
/// whole text goes through terminal_safe (core/terminal_text.hpp).
void write_markdown(std::ostream& out, const Transcript& transcript);
std::string to_markdown(const Transcript& transcript);

}  // namespace agentry::store
