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

void write_jsonl(std::ostream& out, const Transcript& transcript);
std::string to_jsonl(const Transcript& transcript);

/// A readable transcript: a header table, then the user and assistant text, each tool call with
/// its arguments as pretty JSON, each tool result folded in a <details> block, the final result,
/// the subagent sessions and a usage table. People cat it, so it holds no terminal escapes: the
/// whole text goes through terminal_safe (core/terminal_text.hpp).
void write_markdown(std::ostream& out, const Transcript& transcript);
std::string to_markdown(const Transcript& transcript);

}  // namespace agentry::store
