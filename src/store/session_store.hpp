#pragma once
/// The store layer: sessions and their transcripts in one SQLite file, plus (batch_journal.hpp)
/// the append-only results file of a batch run.
///
/// A session is one agent working on one task: its messages (core::Message, tool calls and
/// results included), the usage of each model turn, its status and final result, and its place
/// in the agent tree (a subagent's session points at its parent session and the parent's `task`
/// tool call). The store owns the schema and its migrations; it knows nothing of providers,
/// tools or front-ends, never prints, and has no field for credentials: nothing that is not in
/// a Message, NewSession or TurnUsage is ever written.
///
/// Durability: the file runs in WAL mode. Each append_turn() is one transaction, so a crash or
/// SIGKILL at any moment leaves a readable store in which at worst the turn being written is
/// missing; with the default Sync::kFull that also holds for power loss.
///
/// Concurrency: one SessionStore object may be shared by any number of threads (the engine's
/// parallel subagents, batch workers): it owns ONE connection and every call takes an internal
/// mutex, so calls are serialised (SQLite admits one writer at a time anyway). Several
/// processes (batch shards, concurrent MCP calls) may open the same file: writers take the write
/// lock up front (BEGIN IMMEDIATE) and wait up to `busy_timeout` for each other. Do not carry a
/// SessionStore across fork(); do not put the file on a network file system (WAL needs shared
/// memory between the processes) — give each machine its own file there.
///
/// Typical use by the engine (one turn = the messages one model call added, with its usage):
///   auto store = SessionStore::open(default_session_db_path(env));        // once, in main
///   auto s = store->create_session({.agent = "rust-pro", .model = m, .provider = p,
///                                   .cwd = cwd, .task = task});
///   store->append_turn(s->id, std::vector{Message::user(task), answer, tool_results}, usage);
///   store->append_turn(s->id, std::vector{next_answer}, next_usage);      // ... per turn
///   store->finish_session(s->id, SessionStatus::kDone, final_text);
/// A subagent's session sets parent_id and parent_tool_call_id. To resume (--continue,
/// --resume): latest_session_for_cwd / resolve_id, reopen_session, load_messages. When the
/// engine compacts the conversation it calls record_compaction with what the model sees from
/// then on; load_messages resumes from that, the transcript (load_transcript) keeps everything.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/environment.hpp"
#include "core/error.hpp"
#include "core/message.hpp"
#include "store/session.hpp"

namespace agentry::store {

/// user_data_dir(env)/sessions.db: where front-ends keep sessions unless told otherwise.
std::filesystem::path default_session_db_path(const Environment& env);

struct StoreOptions {
  /// kFull fsyncs the WAL at every commit (survives power loss); kNormal only at checkpoints
  /// (survives process crashes and kills, may lose the last commits on power loss; faster).
  enum class Sync { kFull, kNormal };
  Sync sync = Sync::kFull;
  /// How long a write waits for another process's lock before failing (retryably).
  std::chrono::milliseconds busy_timeout{10000};
  /// The clock behind created/updated timestamps and session ids; tests inject one.
  std::function<std::chrono::system_clock::time_point()> clock;
};

/// Which sessions list_sessions returns.
struct SessionFilter {
  std::optional<std::string> cwd = {};  ///< only sessions started in exactly this directory
  bool roots_only = false;              ///< only sessions without a parent (not subagents)
  std::optional<std::size_t> limit = {};
};

class SessionStore {
 public:
  /// Opens or creates the store at `db_path`, creating missing parent directories, switching
  /// the file to WAL and migrating its schema. Errors: kIo (cannot create/open, not a database,
  /// locked past busy_timeout), kConfig (written by a newer agentry).
  [[nodiscard]] static Result<SessionStore> open(const std::filesystem::path& db_path,
                                                 StoreOptions options = {});

  SessionStore(SessionStore&&) noexcept;
  SessionStore& operator=(SessionStore&&) noexcept;
  ~SessionStore();

  /// The database file.
  const std::filesystem::path& path() const;

  /// Starts a session (status running) with a fresh id. kNotFound when parent_id is given but
  /// no such session exists.
  [[nodiscard]] Result<SessionInfo> create_session(const NewSession& session);

  /// Appends one turn atomically: `messages` get the next seqs, and the turn's usage is
  /// recorded with them; either all of it is committed or none. Returns the turn's 0-based
  /// index. kNotFound for an unknown session; an empty `messages` is allowed (usage only).
  [[nodiscard]] Result<std::int64_t> append_turn(std::string_view session_id,
                                                 std::span<const Message> messages,
                                                 const TurnUsage& usage);

  /// Records the outcome: status (done, error or cancelled) and the final answer or error text.
  [[nodiscard]] Result<void> finish_session(std::string_view session_id, SessionStatus status,
                                            std::string_view result);

  /// Records a compaction atomically: the transcript stays whole, and load_messages returns
  /// from now on `compaction.view` followed by every message appended after this call. Returns
  /// the compaction's 0-based index. kNotFound for an unknown session; kInternal when `how` is
  /// neither "pruned" nor "summarised".
  [[nodiscard]] Result<std::int64_t> record_compaction(std::string_view session_id,
                                                       const NewCompaction& compaction);

  /// Marks a finished session running again (result cleared), for --continue and --resume.
  [[nodiscard]] Result<void> reopen_session(std::string_view session_id);

  /// The conversation so far, in order, ready to hand back to a provider to resume: every
  /// message, or after a compaction the latest compaction's view followed by the messages
  /// appended after it.
  [[nodiscard]] Result<std::vector<Message>> load_messages(std::string_view session_id) const;

  [[nodiscard]] Result<SessionInfo> get_session(std::string_view session_id) const;

  /// Sessions matching `filter`, most recently updated first.
  [[nodiscard]] Result<std::vector<SessionInfo>> list_sessions(const SessionFilter& filter) const;

  /// The most recently updated root session started in `cwd` (what --continue resumes).
  /// kNotFound when there is none.
  [[nodiscard]] Result<SessionInfo> latest_session_for_cwd(std::string_view cwd) const;

  /// Direct subagent sessions of `session_id`, oldest first.
  [[nodiscard]] Result<std::vector<SessionInfo>> children(std::string_view session_id) const;

  /// Usage summed over one session's turns.
  [[nodiscard]] Result<UsageTotals> session_usage(std::string_view session_id) const;
  /// Usage summed over a session and all its descendants.
  [[nodiscard]] Result<UsageTotals> tree_usage(std::string_view session_id) const;

  /// The full id for a unique prefix (case-insensitive), like a git short hash. kUsage error
  /// when the prefix is malformed or ambiguous (the message lists candidates), kNotFound when
  /// nothing matches.
  [[nodiscard]] Result<std::string> resolve_id(std::string_view prefix) const;

  /// Session, messages, turns and children in one consistent read, for export.
  [[nodiscard]] Result<Transcript> load_transcript(std::string_view session_id) const;

  // ---- undo (schema v3): what writing tool calls changed, content-addressed.

  /// Records that a tool call of `session_id` changed `change.path`, storing its content before
  /// (and after) by hash, in one transaction. The change belongs to the current turn of the
  /// session's top-level session (the turn not yet appended: the one whose tool calls run now).
  /// Returns that turn. kNotFound for an unknown session.
  [[nodiscard]] Result<std::int64_t> record_file_change(std::string_view session_id,
                                                        const NewFileChange& change);

  /// Every file change of `session_id` and of its subagent sessions, in the order recorded.
  [[nodiscard]] Result<std::vector<FileChange>> file_changes(std::string_view session_id) const;

  /// The content stored under `hash`; kNotFound when there is none.
  [[nodiscard]] Result<std::string> blob(std::string_view hash) const;

  /// Marks changes as undone (a second undo skips them).
  [[nodiscard]] Result<void> mark_reverted(std::span<const std::int64_t> change_ids);

 private:
  struct Impl;
  explicit SessionStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace agentry::store
