#include "store/session_store.hpp"

#include <algorithm>
#include <mutex>
#include <utility>

#include <fmt/format.h>

#include "core/paths.hpp"
#include "store/session_id.hpp"
#include "store/session_rows.hpp"
#include "store/sha256.hpp"
#include "store/sqlite.hpp"
#include "store/store_database.hpp"

namespace agentry::store {

namespace fs = std::filesystem;
using sqlite::Database;
using sqlite::Statement;
using sqlite::Transaction;

namespace {

constexpr std::size_t kMaxPrefixCandidates = 10;

template <class T>
tl::unexpected<Error> pass(const Result<T>& failed) {
  return tl::make_unexpected(failed.error());
}

/// Every row `stmt` yields, each read by `read` (which returns a value or a Result of one).
template <class T, class Read>
Result<std::vector<T>> collect(Statement& stmt, Read read) {
  std::vector<T> out;
  while (true) {
    auto row = stmt.step();
    if (!row) return pass(row);
    if (!*row) return out;
    Result<T> item = read(stmt);
    if (!item) return pass(item);
    out.push_back(std::move(*item));
  }
}

std::int64_t to_unix_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

fs::path default_session_db_path(const Environment& env) {
  return user_data_dir(env) / "sessions.db";
}

struct SessionStore::Impl {
  Impl(Database database, std::function<std::chrono::system_clock::time_point()> clock_fn)
      : db(std::move(database)), clock(std::move(clock_fn)), ids(clock) {}

  mutable std::mutex mutex;
  mutable Database db;
  std::function<std::chrono::system_clock::time_point()> clock;
  SessionIdGenerator ids;

  std::int64_t now_ms() const { return to_unix_ms(clock()); }

  Error not_found(std::string_view id) const {
    return Error(ErrorCode::kNotFound, fmt::format("no session '{}'", id), db.path().string(),
                 "list sessions with `agentry sessions list`");
  }

  Result<SessionInfo> get(std::string_view id) const {
    auto stmt = db.cached(fmt::format("SELECT {} FROM sessions WHERE id = ?1", kSessionColumns));
    if (!stmt) return pass(stmt);
    stmt->bind(1, id);
    auto row = stmt->step();
    if (!row) return pass(row);
    if (!*row) return tl::make_unexpected(not_found(id));
    return read_session(*stmt);
  }

  Result<std::vector<SessionInfo>> sessions(std::string_view where_and_order,
                                            const std::function<void(Statement&)>& bind) const {
    auto stmt = db.cached(
        fmt::format("SELECT {} FROM sessions WHERE {}", kSessionColumns, where_and_order));
    if (!stmt) return pass(stmt);
    bind(*stmt);
    return collect<SessionInfo>(*stmt, read_session);
  }

  /// The messages from seq `from_seq` on.
  Result<std::vector<StoredMessage>> messages(std::string_view id,
                                              std::int64_t from_seq = 0) const {
    auto stmt = db.cached(
        "SELECT seq, turn, role, text, tool_calls, tool_results, thinking FROM messages "
        "WHERE session_id = ?1 AND seq >= ?2 ORDER BY seq");
    if (!stmt) return pass(stmt);
    stmt->bind(1, id).bind(2, from_seq);
    return collect<StoredMessage>(*stmt, [&](const Statement& s) { return read_message(s, id); });
  }

  Result<std::vector<TurnRecord>> turns(std::string_view id) const {
    auto stmt = db.cached(
        fmt::format("SELECT {} FROM turns WHERE session_id = ?1 ORDER BY turn", kTurnColumns));
    if (!stmt) return pass(stmt);
    stmt->bind(1, id);
    return collect<TurnRecord>(*stmt, read_turn);
  }

  /// The session's compactions by index: all of them, or (`latest_only`) the last one.
  Result<std::vector<CompactionRecord>> compactions(std::string_view id, bool latest_only) const {
    auto stmt =
        db.cached(fmt::format("SELECT {} FROM compactions WHERE session_id = ?1 ORDER BY idx {}",
                              kCompactionColumns, latest_only ? "DESC LIMIT 1" : "ASC"));
    if (!stmt) return pass(stmt);
    stmt->bind(1, id);
    return collect<CompactionRecord>(*stmt,
                                     [&](const Statement& s) { return read_compaction(s, id); });
  }

  /// The seq the next appended message gets, and the next turn's index.
  Result<std::pair<std::int64_t, std::int64_t>> next_seq_and_turn(std::string_view id) const {
    // The last turn, found through the primary key: appending stays O(log n) in long sessions.
    auto last = db.cached(
        "SELECT turn + 1, first_seq + message_count FROM turns WHERE session_id = ?1 "
        "ORDER BY turn DESC LIMIT 1");
    if (!last) return pass(last);
    last->bind(1, id);
    auto row = last->step();
    if (!row) return pass(row);
    if (!*row) return std::pair<std::int64_t, std::int64_t>{0, 0};
    return std::pair{last->column_int(1), last->column_int(0)};
  }

  /// Sums the turns of the sessions listed by the CTE `sessions_sql` (a query yielding ids).
  Result<UsageTotals> usage(std::string_view sessions_sql, std::string_view id) const {
    auto found = get(id);
    if (!found) return pass(found);
    auto stmt = db.cached(fmt::format(
        "WITH RECURSIVE scope(id) AS ({0}) "
        "SELECT (SELECT count(*) FROM scope), count(*), coalesce(sum(input_tokens), 0), "
        "coalesce(sum(output_tokens), 0), coalesce(sum(cache_read_tokens), 0), "
        "coalesce(sum(cache_write_tokens), 0), sum(cost_usd), count(cost_usd) "
        "FROM turns WHERE session_id IN (SELECT id FROM scope)",
        sessions_sql));
    if (!stmt) return pass(stmt);
    stmt->bind(1, id);
    auto row = stmt->step();
    if (!row) return pass(row);
    UsageTotals totals;
    totals.sessions = stmt->column_int(0);
    totals.turns = stmt->column_int(1);
    totals.tokens.input_tokens = stmt->column_int(2);
    totals.tokens.output_tokens = stmt->column_int(3);
    totals.tokens.cache_read_tokens = stmt->column_int(4);
    totals.tokens.cache_write_tokens = stmt->column_int(5);
    totals.cost_usd = stmt->column_optional_double(6);
    totals.unpriced_turns = totals.turns - stmt->column_int(7);
    return totals;
  }

  /// Inserts one row into `table`: session_id as ?1, then `columns` as ?2.. bound by `bind`.
  template <class Record>
  Result<void> insert_row(std::string_view table, std::string_view columns, std::string_view id,
                          const Record& record, void (*bind)(Statement&, const Record&)) {
    auto count = static_cast<int>(std::count(columns.begin(), columns.end(), ',')) + 2;
    std::string params = "?1";
    for (int i = 2; i <= count; ++i)
      params += fmt::format(", ?{}", i);
    auto stmt = db.cached(
        fmt::format("INSERT INTO {} (session_id, {}) VALUES ({})", table, columns, params));
    if (!stmt) return pass(stmt);
    stmt->bind(1, id);
    bind(*stmt, record);
    return stmt->run();
  }

  /// One write transaction on an existing session: `write(next_seq, next_turn)` adds its rows,
  /// then updated_at is bumped and all of it committed, or nothing when any step fails.
  template <class Write>
  Result<std::int64_t> write(std::string_view id, Write&& write_rows) {
    auto tx = Transaction::begin(db, Transaction::Mode::kImmediate);
    if (!tx) return pass(tx);
    auto found = get(id);
    if (!found) return pass(found);
    auto next = next_seq_and_turn(id);
    if (!next) return pass(next);
    Result<std::int64_t> written = write_rows(next->first, next->second);
    if (!written) return written;
    auto touched = touch(id, "", [](Statement&) {});
    if (!touched) return pass(touched);
    auto committed = tx->commit();
    if (!committed) return pass(committed);
    return written;
  }

  /// Bumps updated_at, also applying `set_clause` (which may use ?3 and up) when not empty.
  Result<void> touch(std::string_view id, std::string_view set_clause,
                     const std::function<void(Statement&)>& bind) {
    auto stmt = db.cached(fmt::format("UPDATE sessions SET {}{}updated_at = ?1 WHERE id = ?2",
                                      set_clause, set_clause.empty() ? "" : ", "));
    if (!stmt) return pass(stmt);
    stmt->bind(1, now_ms()).bind(2, id);
    bind(*stmt);
    auto done = stmt->run();
    if (!done) return done;
    if (db.changes() == 0) return tl::make_unexpected(not_found(id));
    return {};
  }
};

Result<SessionStore> SessionStore::open(const fs::path& db_path, StoreOptions options) {
  if (!options.clock) options.clock = [] { return std::chrono::system_clock::now(); };
  auto db = open_session_database(db_path, options, to_unix_ms(options.clock()));
  if (!db) return pass(db);
  return SessionStore(std::make_unique<Impl>(std::move(*db), options.clock));
}

SessionStore::SessionStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SessionStore::SessionStore(SessionStore&&) noexcept = default;
SessionStore& SessionStore::operator=(SessionStore&&) noexcept = default;
SessionStore::~SessionStore() = default;

const fs::path& SessionStore::path() const {
  return impl_->db.path();
}

Result<SessionInfo> SessionStore::create_session(const NewSession& session) {
  std::lock_guard lock(impl_->mutex);
  auto tx = Transaction::begin(impl_->db, Transaction::Mode::kImmediate);
  if (!tx) return pass(tx);
  if (session.parent_id) {
    auto parent = impl_->get(*session.parent_id);
    if (!parent) {
      Error e = parent.error();
      if (e.code == ErrorCode::kNotFound)
        e.message = fmt::format("parent session '{}' does not exist", *session.parent_id);
      return tl::make_unexpected(std::move(e));
    }
  }
  SessionInfo info;
  info.id = impl_->ids.next();
  info.parent_id = session.parent_id;
  info.parent_tool_call_id = session.parent_tool_call_id;
  info.agent = session.agent;
  info.model = session.model;
  info.provider = session.provider;
  info.cwd = session.cwd;
  info.title = make_title(session.task);
  info.created_at_ms = info.updated_at_ms = impl_->now_ms();
  auto stmt = impl_->db.cached(fmt::format(
      "INSERT INTO sessions ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
      kSessionColumns));
  if (!stmt) return pass(stmt);
  bind_session(*stmt, info);
  auto inserted = stmt->run();
  if (!inserted) return pass(inserted);
  auto committed = tx->commit();
  if (!committed) return pass(committed);
  return info;
}

Result<std::int64_t> SessionStore::append_turn(std::string_view session_id,
                                               std::span<const Message> messages,
                                               const TurnUsage& usage) {
  std::lock_guard lock(impl_->mutex);
  return impl_->write(
      session_id, [&](std::int64_t next_seq, std::int64_t next_turn) -> Result<std::int64_t> {
        TurnRecord record;
        record.first_seq = next_seq;
        record.turn = next_turn;
        record.message_count = static_cast<std::int64_t>(messages.size());
        record.usage = usage;
        record.created_at_ms = impl_->now_ms();
        auto turn_inserted =
            impl_->insert_row("turns", kTurnColumns, session_id, record, bind_turn);
        if (!turn_inserted) return pass(turn_inserted);

        auto insert = impl_->db.cached(
            "INSERT INTO messages (session_id, seq, turn, role, text, tool_calls, tool_results, "
            "thinking) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        if (!insert) return pass(insert);
        for (std::size_t i = 0; i < messages.size(); ++i) {
          insert->bind(1, session_id).bind(2, record.first_seq + static_cast<std::int64_t>(i));
          insert->bind(3, record.turn);
          bind_message(*insert, messages[i]);
          auto inserted = insert->run();
          if (!inserted) return pass(inserted);
        }
        return record.turn;
      });
}

Result<std::int64_t> SessionStore::record_compaction(std::string_view session_id,
                                                     const NewCompaction& compaction) {
  if (compaction.how != "pruned" && compaction.how != "summarised") {
    return fail(ErrorCode::kInternal, fmt::format("unknown compaction kind '{}'", compaction.how),
                std::string(session_id), "record a compaction as \"pruned\" or \"summarised\"");
  }
  std::lock_guard lock(impl_->mutex);
  return impl_->write(session_id, [&](std::int64_t next_seq, std::int64_t) -> Result<std::int64_t> {
    auto count = impl_->db.cached("SELECT count(*) FROM compactions WHERE session_id = ?1");
    if (!count) return pass(count);
    count->bind(1, session_id);
    auto counted = count->step();
    if (!counted) return pass(counted);
    CompactionRecord record;
    record.index = count->column_int(0);
    record.at_seq = next_seq;
    record.how = compaction.how;
    record.tokens_before = compaction.tokens_before;
    record.tokens_after = compaction.tokens_after;
    record.view = compaction.view;
    record.created_at_ms = impl_->now_ms();
    auto inserted =
        impl_->insert_row("compactions", kCompactionColumns, session_id, record, bind_compaction);
    if (!inserted) return pass(inserted);
    return record.index;
  });
}

Result<void> SessionStore::finish_session(std::string_view session_id, SessionStatus status,
                                          std::string_view result) {
  if (status == SessionStatus::kRunning) {
    return fail(ErrorCode::kInternal, "finish_session needs done, error or cancelled",
                std::string(session_id), "use reopen_session to mark a session running");
  }
  std::lock_guard lock(impl_->mutex);
  return impl_->touch(session_id, "status = ?3, result = ?4",
                      [&](Statement& s) { s.bind(3, to_string(status)).bind(4, result); });
}

Result<void> SessionStore::reopen_session(std::string_view session_id) {
  std::lock_guard lock(impl_->mutex);
  return impl_->touch(session_id, "status = 'running', result = NULL", [](Statement&) {});
}

Result<std::vector<Message>> SessionStore::load_messages(std::string_view session_id) const {
  std::lock_guard lock(impl_->mutex);
  auto tx = Transaction::begin(impl_->db, Transaction::Mode::kDeferred);
  if (!tx) return pass(tx);
  auto found = impl_->get(session_id);
  if (!found) return pass(found);
  auto latest = impl_->compactions(session_id, true);
  if (!latest) return pass(latest);
  std::vector<Message> out;
  std::int64_t from_seq = 0;
  if (!latest->empty()) {
    out = std::move(latest->front().view);
    from_seq = latest->front().at_seq;
  }
  auto stored = impl_->messages(session_id, from_seq);
  if (!stored) return pass(stored);
  out.reserve(out.size() + stored->size());
  for (auto& m : *stored)
    out.push_back(std::move(m.message));
  return out;
}

Result<SessionInfo> SessionStore::get_session(std::string_view session_id) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->get(session_id);
}

Result<std::vector<SessionInfo>> SessionStore::list_sessions(const SessionFilter& filter) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->sessions(
      "(?1 IS NULL OR cwd = ?1) AND (?2 = 0 OR parent_id IS NULL) "
      "ORDER BY updated_at DESC, id DESC LIMIT ?3",
      [&](Statement& s) {
        s.bind(1, filter.cwd).bind(2, std::int64_t{filter.roots_only ? 1 : 0});
        s.bind(3, filter.limit ? static_cast<std::int64_t>(*filter.limit) : std::int64_t{-1});
      });
}

Result<SessionInfo> SessionStore::latest_session_for_cwd(std::string_view cwd) const {
  auto found = list_sessions({std::string(cwd), true, 1});
  if (!found) return pass(found);
  if (found->empty()) {
    return fail(ErrorCode::kNotFound, "no session to continue in this directory", std::string(cwd),
                "start one without --continue");
  }
  return std::move(found->front());
}

Result<std::vector<SessionInfo>> SessionStore::children(std::string_view session_id) const {
  std::lock_guard lock(impl_->mutex);
  auto found = impl_->get(session_id);
  if (!found) return pass(found);
  return impl_->sessions("parent_id = ?1 ORDER BY id",
                         [&](Statement& s) { s.bind(1, session_id); });
}

Result<UsageTotals> SessionStore::session_usage(std::string_view session_id) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->usage("SELECT ?1", session_id);
}

Result<UsageTotals> SessionStore::tree_usage(std::string_view session_id) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->usage(
      "SELECT ?1 UNION ALL SELECT s.id FROM sessions s JOIN scope ON s.parent_id = scope.id",
      session_id);
}

Result<std::string> SessionStore::resolve_id(std::string_view prefix) const {
  if (!is_session_id_prefix(prefix)) {
    return fail(ErrorCode::kUsage, fmt::format("'{}' is not a session id", prefix), "",
                "session ids are 26 characters of 0-9 and A-Z; give the id or its start");
  }
  std::string canonical = canonical_session_id(prefix);
  std::lock_guard lock(impl_->mutex);
  auto found = impl_->sessions("id >= ?1 AND id < ?2 ORDER BY id LIMIT ?3", [&](Statement& s) {
    // Ids use only 0-9 and A-Z, all below '~': [prefix, prefix~) holds exactly the matches.
    s.bind(1, canonical).bind(2, canonical + "~");
    s.bind(3, static_cast<std::int64_t>(kMaxPrefixCandidates + 1));
  });
  if (!found) return pass(found);
  if (found->empty()) return tl::make_unexpected(impl_->not_found(canonical));
  if (found->size() == 1) return std::move(found->front().id);

  std::string listed;
  for (std::size_t i = 0; i < found->size() && i < kMaxPrefixCandidates; ++i) {
    const auto& s = (*found)[i];
    listed += fmt::format("{}{} ({})", i == 0 ? "" : ", ", s.id, s.title);
  }
  if (found->size() > kMaxPrefixCandidates) listed += ", …";
  return fail(ErrorCode::kUsage,
              fmt::format("session id prefix '{}' is ambiguous: {}", canonical, listed), "",
              "give more characters of the id");
}

Result<Transcript> SessionStore::load_transcript(std::string_view session_id) const {
  std::lock_guard lock(impl_->mutex);
  auto tx = Transaction::begin(impl_->db, Transaction::Mode::kDeferred);
  if (!tx) return pass(tx);
  Transcript out;
  auto session = impl_->get(session_id);
  if (!session) return pass(session);
  out.session = std::move(*session);
  auto messages = impl_->messages(session_id);
  if (!messages) return pass(messages);
  out.messages = std::move(*messages);
  auto turns = impl_->turns(session_id);
  if (!turns) return pass(turns);
  out.turns = std::move(*turns);
  auto compactions = impl_->compactions(session_id, false);
  if (!compactions) return pass(compactions);
  out.compactions = std::move(*compactions);
  auto children =
      impl_->sessions("parent_id = ?1 ORDER BY id", [&](Statement& s) { s.bind(1, session_id); });
  if (!children) return pass(children);
  out.children = std::move(*children);
  return out;
}

namespace {

/// The columns of a FileChange as file_changes() selects them from the CTE `c`.
FileChange read_file_change(const Statement& s) {
  FileChange c;
  c.id = s.column_int(0);
  c.session_id = s.column_text(1);
  c.root_id = s.column_text(2);
  c.turn = s.column_int(3);
  c.call_id = s.column_text(4);
  c.path = s.column_text(5);
  c.before_hash = s.column_text(6);
  c.after_hash = s.column_text(7);
  c.created_at_ms = s.column_int(8);
  c.reverted = s.column_int(9) != 0;
  c.prompt_turn = s.column_int(10);
  c.prompt = s.column_text(11);
  return c;
}

}  // namespace

Result<std::int64_t> SessionStore::record_file_change(std::string_view session_id,
                                                      const NewFileChange& change) {
  std::lock_guard lock(impl_->mutex);
  auto& db = impl_->db;
  auto tx = Transaction::begin(db, Transaction::Mode::kImmediate);
  if (!tx) return pass(tx);
  auto found = impl_->get(session_id);
  if (!found) return pass(found);
  auto root = db.cached(
      "WITH RECURSIVE up(id, parent) AS (SELECT id, parent_id FROM sessions WHERE id = ?1 "
      "UNION ALL SELECT s.id, s.parent_id FROM sessions s JOIN up ON s.id = up.parent) "
      "SELECT id FROM up WHERE parent IS NULL");
  if (!root) return pass(root);
  root->bind(1, session_id);
  auto row = root->step();
  if (!row) return pass(row);
  std::string root_id = *row ? root->column_text(0) : std::string(session_id);
  auto next = impl_->next_seq_and_turn(root_id);
  if (!next) return pass(next);

  auto store_content = [&](const std::optional<std::string>& content) -> Result<std::string> {
    if (!content) return std::string(kAbsent);
    std::string hash = sha256_hex(*content);
    auto put = db.cached("INSERT OR IGNORE INTO blobs (hash, size, data) VALUES (?1, ?2, ?3)");
    if (!put) return pass(put);
    put->bind(1, hash).bind(2, static_cast<std::int64_t>(content->size())).bind_blob(3, *content);
    auto ok = put->run();
    if (!ok) return pass(ok);
    return hash;
  };
  auto before = store_content(change.before);
  if (!before) return pass(before);
  auto after = store_content(change.after);
  if (!after) return pass(after);
  auto insert = db.cached(
      "INSERT INTO file_changes (session_id, root_id, turn, call_id, path, before_hash, "
      "after_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!insert) return pass(insert);
  insert->bind(1, session_id).bind(2, root_id).bind(3, next->second).bind(4, change.call_id);
  insert->bind(5, change.path).bind(6, *before).bind(7, *after).bind(8, impl_->now_ms());
  auto inserted = insert->run();
  if (!inserted) return pass(inserted);
  auto committed = tx->commit();
  if (!committed) return pass(committed);
  return next->second;
}

Result<std::vector<FileChange>> SessionStore::file_changes(std::string_view session_id) const {
  std::lock_guard lock(impl_->mutex);
  auto found = impl_->get(session_id);
  if (!found) return pass(found);
  // A turn starting with a user message is where a task (or a note) came in; a change belongs
  // to the latest such turn at or before its own.
  auto stmt = impl_->db.cached(
      "WITH RECURSIVE scope(id) AS (SELECT ?1 UNION ALL "
      "  SELECT s.id FROM sessions s JOIN scope ON s.parent_id = scope.id), "
      "c AS (SELECT f.*, coalesce((SELECT max(t.turn) FROM turns t JOIN messages m "
      "  ON m.session_id = t.session_id AND m.seq = t.first_seq WHERE t.session_id = f.root_id "
      "  AND t.turn <= f.turn AND t.message_count > 0 AND m.role = 'user'), f.turn) AS pturn "
      "  FROM file_changes f WHERE f.session_id IN (SELECT id FROM scope)) "
      "SELECT c.id, c.session_id, c.root_id, c.turn, c.call_id, c.path, c.before_hash, "
      "c.after_hash, c.created_at, c.reverted_at IS NOT NULL, c.pturn, "
      "coalesce((SELECT m.text FROM turns t JOIN messages m ON m.session_id = t.session_id "
      "  AND m.seq = t.first_seq WHERE t.session_id = c.root_id AND t.turn = c.pturn "
      "  AND t.message_count > 0 AND m.role = 'user'), '') "
      "FROM c ORDER BY c.id");
  if (!stmt) return pass(stmt);
  stmt->bind(1, session_id);
  return collect<FileChange>(*stmt, read_file_change);
}

Result<std::string> SessionStore::blob(std::string_view hash) const {
  std::lock_guard lock(impl_->mutex);
  auto stmt = impl_->db.cached("SELECT data FROM blobs WHERE hash = ?1");
  if (!stmt) return pass(stmt);
  stmt->bind(1, hash);
  auto row = stmt->step();
  if (!row) return pass(row);
  if (!*row) {
    return fail(ErrorCode::kNotFound, fmt::format("no stored content with hash {}", hash),
                impl_->db.path().string(), "the session store lost a snapshot; undo by hand");
  }
  return stmt->column_blob(0);
}

Result<void> SessionStore::mark_reverted(std::span<const std::int64_t> change_ids) {
  std::lock_guard lock(impl_->mutex);
  auto tx = Transaction::begin(impl_->db, Transaction::Mode::kImmediate);
  if (!tx) return pass(tx);
  auto stmt = impl_->db.cached(
      "UPDATE file_changes SET reverted_at = ?1 WHERE id = ?2 AND reverted_at IS NULL");
  if (!stmt) return pass(stmt);
  for (auto id : change_ids) {
    stmt->bind(1, impl_->now_ms()).bind(2, id);
    auto ok = stmt->run();
    if (!ok) return ok;
  }
  return tx->commit();
}

}  // namespace agentry::store
