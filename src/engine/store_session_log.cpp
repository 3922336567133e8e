#include "engine/store_session_log.hpp"

namespace agentry::engine {

namespace {

store::SessionStatus status_for(const std::string& stop_reason) {
  if (stop_reason == "completed" || stop_reason == "max_steps") return store::SessionStatus::kDone;
  if (stop_reason == "cancelled") return store::SessionStatus::kCancelled;
  return store::SessionStatus::kError;
}

}  // namespace

Result<std::string> StoreSessionLog::create(const SessionInfo& info) {
  store::NewSession s;
  s.agent = info.agent;
  auto slash = info.model.find('/');
  s.provider = slash == std::string::npos ? std::string() : info.model.substr(0, slash);
  s.model = slash == std::string::npos ? info.model : info.model.substr(slash + 1);
  s.cwd = info.cwd;
  s.task = info.title;
  if (!info.parent_id.empty()) s.parent_id = info.parent_id;
  if (!info.parent_call_id.empty()) s.parent_tool_call_id = info.parent_call_id;
  return store_.create_session(s).transform([](const store::SessionInfo& row) { return row.id; });
}

Result<std::vector<Message>> StoreSessionLog::load(const std::string& session_id) {
  auto messages = store_.load_messages(session_id);
  if (!messages) return messages;
  if (auto ok = store_.reopen_session(session_id); !ok) return tl::make_unexpected(ok.error());
  return messages;
}

Result<SessionInfo> StoreSessionLog::info(const std::string& session_id) {
  return store_.get_session(session_id).transform([](const store::SessionInfo& row) {
    return SessionInfo{row.id,
                       row.parent_id.value_or(""),
                       row.parent_tool_call_id.value_or(""),
                       row.agent,
                       row.provider.empty() ? row.model : row.provider + "/" + row.model,
                       row.cwd,
                       row.title};
  });
}

Result<void> StoreSessionLog::append(const std::string& session_id,
                                     const std::vector<Message>& messages, const Usage& usage,
                                     std::optional<double> cost_usd) {
  return store_.append_turn(session_id, messages, store::TurnUsage{usage, cost_usd})
      .transform([](std::int64_t) {});
}

Result<void> StoreSessionLog::finish(const std::string& session_id, const std::string& status,
                                     const std::string& result) {
  return store_.finish_session(session_id, status_for(status), result);
}

Result<void> StoreSessionLog::record_compaction(const std::string& session_id,
                                                const Compaction& compaction) {
  store::NewCompaction c{compaction.how, compaction.tokens_before, compaction.tokens_after,
                         compaction.view};
  return store_.record_compaction(session_id, c).transform([](std::int64_t) {});
}

}  // namespace agentry::engine
