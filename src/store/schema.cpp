#include "store/schema.hpp"

#include <array>

#include <fmt/format.h>

namespace agentry::store {

namespace {

// Version 1. Timestamps are Unix milliseconds. `turns` carries one turn's usage and how many
// messages it brought, so a reader can check that every turn present is whole.
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE sessions (
  id                  TEXT PRIMARY KEY NOT NULL,
  parent_id           TEXT REFERENCES sessions(id),
  parent_tool_call_id TEXT,
  agent               TEXT NOT NULL,
  model               TEXT NOT NULL,
  provider            TEXT NOT NULL,
  cwd                 TEXT NOT NULL,
  title               TEXT NOT NULL,
  status              TEXT NOT NULL
                      CHECK (status IN ('running', 'done', 'error', 'cancelled')),
  result              TEXT,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL
);
CREATE INDEX sessions_by_cwd ON sessions(cwd, updated_at);
CREATE INDEX sessions_by_parent ON sessions(parent_id, id);
CREATE INDEX sessions_by_update ON sessions(updated_at);

CREATE TABLE turns (
  session_id         TEXT NOT NULL REFERENCES sessions(id),
  turn               INTEGER NOT NULL,
  first_seq          INTEGER NOT NULL,
  message_count      INTEGER NOT NULL,
  input_tokens       INTEGER NOT NULL,
  output_tokens      INTEGER NOT NULL,
  cache_read_tokens  INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  cost_usd           REAL,
  created_at         INTEGER NOT NULL,
  PRIMARY KEY (session_id, turn)
) WITHOUT ROWID;

CREATE TABLE messages (
  session_id   TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  turn         INTEGER NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'tool')),
  text         TEXT NOT NULL,
  tool_calls   TEXT,
  tool_results TEXT,
  PRIMARY KEY (session_id, seq),
  FOREIGN KEY (session_id, turn) REFERENCES turns(session_id, turn)
) WITHOUT ROWID;
)sql";

// Version 2 (issue 17): compactions. The full transcript stays in `messages`; each row here is
// what the model saw from then on (`view`, a JSON array of messages) and the seq from which the
// messages appended after it start. A rowid table, as a view can be large.
constexpr std::string_view kVersion2 = R"sql(
CREATE TABLE compactions (
  session_id    TEXT NOT NULL REFERENCES sessions(id),
  idx           INTEGER NOT NULL,
  at_seq        INTEGER NOT NULL,
  how           TEXT NOT NULL CHECK (how IN ('pruned', 'summarised')),
  tokens_before INTEGER NOT NULL,
  tokens_after  INTEGER NOT NULL,
  view          TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (session_id, idx)
);
)sql";

// Version 3 (issue 18): undo. `blobs` holds file contents by their SHA-256 (hex), each stored
// once however many snapshots share it. `file_changes` holds one row per file a writing tool
// call changed: its content before and after as blob hashes, or 'absent' when the file did not
// exist (created, or deleted). `turn` is the turn of the top-level session (`root_id`) during
// which the call ran, subagents' calls included; `reverted_at` is set once the change is undone.
constexpr std::string_view kVersion3 = R"sql(
CREATE TABLE blobs (
  hash TEXT PRIMARY KEY NOT NULL,
  size INTEGER NOT NULL,
  data BLOB NOT NULL
);

CREATE TABLE file_changes (
  id          INTEGER PRIMARY KEY,
  session_id  TEXT NOT NULL REFERENCES sessions(id),
  root_id     TEXT NOT NULL REFERENCES sessions(id),
  turn        INTEGER NOT NULL,
  call_id     TEXT NOT NULL,
  path        TEXT NOT NULL,
  before_hash TEXT NOT NULL,
  after_hash  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  reverted_at INTEGER
);
CREATE INDEX file_changes_by_session ON file_changes(session_id, id);
CREATE INDEX file_changes_by_root ON file_changes(root_id, turn);
)sql";

// Version 4 (issue 19): an assistant message's reasoning (Message::thinking, a JSON array; NULL
// when it has none), stored with its turn and exported, never part of the answer.
constexpr std::string_view kVersion4 = R"sql(
ALTER TABLE messages ADD COLUMN thinking TEXT;
)sql";

constexpr std::array<std::string_view, 4> kMigrations = {kVersion1, kVersion2, kVersion3,
                                                         kVersion4};

}  // namespace

std::span<const std::string_view> session_store_migrations() {
  return kMigrations;
}

Result<std::int64_t> migrate(sqlite::Database& db, std::span<const std::string_view> migrations,
                             std::int64_t now_ms) {
  auto tx = sqlite::Transaction::begin(db, sqlite::Transaction::Mode::kImmediate);
  if (!tx) return tl::make_unexpected(tx.error());
  auto created = db.exec(
      "CREATE TABLE IF NOT EXISTS schema_version ("
      " version INTEGER PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL)");
  if (!created) return tl::make_unexpected(created.error());
  auto current = db.query_int("SELECT coalesce(max(version), 0) FROM schema_version");
  if (!current) return tl::make_unexpected(current.error());

  auto known = static_cast<std::int64_t>(migrations.size());
  if (*current > known) {
    return fail(ErrorCode::kConfig,
                fmt::format("session store has schema version {}, this agentry knows up to {}",
                            *current, known),
                db.path().string(), "upgrade agentry, or point it at another session store file");
  }
  for (std::int64_t version = *current + 1; version <= known; ++version) {
    auto applied = db.exec(migrations[static_cast<std::size_t>(version - 1)]);
    if (!applied) {
      Error e = applied.error();
      e.message = fmt::format("migration to schema version {} failed: {}", version, e.message);
      return tl::make_unexpected(std::move(e));
    }
    auto record = db.prepare("INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)");
    if (!record) return tl::make_unexpected(record.error());
    auto recorded = record->bind(1, version).bind(2, now_ms).run();
    if (!recorded) return tl::make_unexpected(recorded.error());
  }
  auto committed = tx->commit();
  if (!committed) return tl::make_unexpected(committed.error());
  return known;
}

}  // namespace agentry::store
