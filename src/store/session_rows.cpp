#include "store/session_rows.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace agentry::store {

namespace {

using nlohmann::json;

/// JSON text that never throws: invalid UTF-8 from a model stream is replaced, not fatal.
std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Role> parse_role(std::string_view text) {
  if (text == "user") return Role::kUser;
  if (text == "assistant") return Role::kAssistant;
  if (text == "tool") return Role::kTool;
  return fail(ErrorCode::kParse, fmt::format("unknown message role '{}'", text));
}

}  // namespace

void bind_session(sqlite::Statement& stmt, const SessionInfo& info) {
  stmt.bind(1, info.id)
      .bind(2, info.parent_id)
      .bind(3, info.parent_tool_call_id)
      .bind(4, info.agent)
      .bind(5, info.model)
      .bind(6, info.provider)
      .bind(7, info.cwd)
      .bind(8, info.title)
      .bind(9, to_string(info.status))
      .bind(10, info.result)
      .bind(11, info.created_at_ms)
      .bind(12, info.updated_at_ms);
}

Result<SessionInfo> read_session(const sqlite::Statement& stmt) {
  SessionInfo info;
  info.id = stmt.column_text(0);
  info.parent_id = stmt.column_optional_text(1);
  info.parent_tool_call_id = stmt.column_optional_text(2);
  info.agent = stmt.column_text(3);
  info.model = stmt.column_text(4);
  info.provider = stmt.column_text(5);
  info.cwd = stmt.column_text(6);
  info.title = stmt.column_text(7);
  auto status = parse_session_status(stmt.column_text(8));
  if (!status) {
    Error e = status.error();
    e.where = "session " + info.id;
    return tl::make_unexpected(std::move(e));
  }
  info.status = *status;
  info.result = stmt.column_optional_text(9);
  info.created_at_ms = stmt.column_int(10);
  info.updated_at_ms = stmt.column_int(11);
  return info;
}

void bind_turn(sqlite::Statement& stmt, const TurnRecord& record) {
  stmt.bind(2, record.turn)
      .bind(3, record.first_seq)
      .bind(4, record.message_count)
      .bind(5, record.usage.tokens.input_tokens)
      .bind(6, record.usage.tokens.output_tokens)
      .bind(7, record.usage.tokens.cache_read_tokens)
      .bind(8, record.usage.tokens.cache_write_tokens)
      .bind(9, record.usage.cost_usd)
      .bind(10, record.created_at_ms);
}

TurnRecord read_turn(const sqlite::Statement& stmt) {
  TurnRecord record;
  record.turn = stmt.column_int(0);
  record.first_seq = stmt.column_int(1);
  record.message_count = stmt.column_int(2);
  record.usage.tokens.input_tokens = stmt.column_int(3);
  record.usage.tokens.output_tokens = stmt.column_int(4);
  record.usage.tokens.cache_read_tokens = stmt.column_int(5);
  record.usage.tokens.cache_write_tokens = stmt.column_int(6);
  record.usage.cost_usd = stmt.column_optional_double(7);
  record.created_at_ms = stmt.column_int(8);
  return record;
}

void bind_compaction(sqlite::Statement& stmt, const CompactionRecord& record) {
  stmt.bind(2, record.index)
      .bind(3, record.at_seq)
      .bind(4, record.how)
      .bind(5, record.tokens_before)
      .bind(6, record.tokens_after)
      .bind(7, dump(json(record.view)))
      .bind(8, record.created_at_ms);
}

Result<CompactionRecord> read_compaction(const sqlite::Statement& stmt,
                                         std::string_view session_id) {
  CompactionRecord record;
  record.index = stmt.column_int(0);
  record.at_seq = stmt.column_int(1);
  record.how = stmt.column_text(2);
  record.tokens_before = stmt.column_int(3);
  record.tokens_after = stmt.column_int(4);
  record.created_at_ms = stmt.column_int(6);
  // The JSON was written by bind_compaction, so a parse failure means a damaged row.
  try {
    record.view = json::parse(stmt.column_text(5)).get<std::vector<Message>>();
  } catch (const json::exception& e) {
    return fail(ErrorCode::kParse,
                fmt::format("damaged compaction in the session store: {}", e.what()),
                fmt::format("session {} compaction {}", session_id, record.index),
                "export the session (the full transcript is kept), or move the store aside");
  }
  return record;
}

void bind_message(sqlite::Statement& stmt, const Message& message) {
  stmt.bind(4, to_string(message.role)).bind(5, message.text);
  if (message.tool_calls.empty()) {
    stmt.bind_null(6);
  } else {
    stmt.bind(6, dump(message.tool_calls));
  }
  if (message.tool_results.empty()) {
    stmt.bind_null(7);
  } else {
    stmt.bind(7, dump(message.tool_results));
  }
  if (message.thinking.empty()) {
    stmt.bind_null(8);
  } else {
    stmt.bind(8, dump(message.thinking));
  }
}

Result<StoredMessage> read_message(const sqlite::Statement& stmt, std::string_view session_id) {
  StoredMessage out;
  out.seq = stmt.column_int(0);
  out.turn = stmt.column_int(1);
  auto where = [&] { return fmt::format("session {} message {}", session_id, out.seq); };
  auto role = parse_role(stmt.column_text(2));
  if (!role) return fail(ErrorCode::kParse, role.error().message, where());
  out.message.role = *role;
  out.message.text = stmt.column_text(3);
  // The JSON was written by bind_message, so a parse failure means a damaged row.
  try {
    if (auto calls = stmt.column_optional_text(4))
      out.message.tool_calls = json::parse(*calls).get<std::vector<ToolCall>>();
    if (auto results = stmt.column_optional_text(5))
      out.message.tool_results = json::parse(*results).get<std::vector<ToolResult>>();
    if (auto thinking = stmt.column_optional_text(6))
      out.message.thinking = json::parse(*thinking).get<std::vector<Thinking>>();
  } catch (const json::exception& e) {
    return fail(ErrorCode::kParse,
                fmt::format("damaged tool data in the session store: {}", e.what()), where(),
                "export what is readable, or move the session store aside");
  }
  return out;
}

}  // namespace agentry::store
