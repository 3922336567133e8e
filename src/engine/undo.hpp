#pragma once
/// Undo of what the agents' writing tool calls changed (`/undo`, `/rewind`, `agentry undo`), from
/// the snapshots StoreChangeJournal kept in the session store. A plan names, for each file, the
/// content it gets back (the one before the earliest change undone; none: the call created it,
/// so it is deleted) and whether someone changed it since the last change undone (a conflict:
/// its content is not the one that change left). Applying restores the exact bytes, marks the
/// changes undone (undoing again is a no-op) and appends a note to the conversation, so that the
/// model knows on its next message.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "store/session_store.hpp"

namespace agentry::engine {

/// Which changes of a session (and its subagents) to undo.
struct UndoScope {
  enum class Kind {
    kAll,       ///< every change not undone yet (`agentry undo`)
    kFromTurn,  ///< the changes of `turn` and every later turn (`--to TURN`, `/rewind TURN`)
    kLastTurn,  ///< the changes of the latest turn that made any (`/undo`)
  };
  Kind kind = Kind::kAll;
  std::int64_t turn = 0;
};

/// A turn of the top-level session that changed files, for `/rewind`'s list.
struct UndoTurn {
  std::int64_t turn = 0;           ///< the turn holding the user's message
  std::string prompt;              ///< that message
  std::vector<std::string> files;  ///< changed, relative to the workspace, in order
  bool undone = false;             ///< every change of it is undone already
};

struct UndoFile {
  std::string path;                   ///< absolute
  std::string shown;                  ///< relative to the session's directory
  std::optional<std::string> target;  ///< the content it gets back; nullopt: deleted
  std::optional<std::string> now;     ///< its content now; nullopt: it does not exist
  bool conflict = false;              ///< changed since the last change undone, by someone else
};

struct UndoPlan {
  std::string session_id;
  std::string root_id;
  std::vector<UndoFile> files;
  std::vector<std::int64_t> change_ids;
  std::string what;     ///< "turn 3", "turns 3 to 5", "session 01J…" — for messages
  std::string nothing;  ///< when there is nothing to undo: why (files is empty)
  /// The files in conflict, for the message that refuses.
  std::vector<std::string> conflicts() const;
};

class Undo {
 public:
  explicit Undo(store::SessionStore& store) : store_(store) {}

  /// The session `id` names (a unique prefix is enough); empty: the latest top-level session
  /// started in `cwd` (canonical). kNotFound / kUsage as SessionStore::resolve_id says.
  [[nodiscard]] Result<std::string> session_for(const std::string& id,
                                                const std::string& cwd) const;

  /// The turns of `session_id` (and its subagents) that changed files, oldest first.
  [[nodiscard]] Result<std::vector<UndoTurn>> turns(const std::string& session_id) const;

  /// What undoing `scope` would do. kNotFound for an unknown session or turn.
  [[nodiscard]] Result<UndoPlan> plan(const std::string& session_id, const UndoScope& scope) const;

  /// The unified diff from the files now to what the plan gives them back.
  static std::string diff(const UndoPlan& plan);

  /// Restores every file of the plan. A conflict refuses the whole plan (kPermission, naming
  /// the files, nothing written) unless `force`. Returns the note appended to the conversation.
  [[nodiscard]] Result<std::string> apply(const UndoPlan& plan, bool force);

 private:
  store::SessionStore& store_;
};

}  // namespace agentry::engine
