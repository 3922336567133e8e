#pragma once
/// ChangeJournal over the SQLite SessionStore: before a writing call, the files it may touch are
/// read (the file its `path` names; for a call without one, clippy_fix or rustfmt apply, every
/// Rust source, Cargo.toml and Cargo.lock of the workspace); after it, each file whose content
/// changed is recorded with its content before and after (file_changes, blobs). Nothing is
/// written in the workspace.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/ports.hpp"
#include "store/session_store.hpp"

namespace agentry::engine {

class StoreChangeJournal final : public ChangeJournal {
 public:
  explicit StoreChangeJournal(store::SessionStore& store) : store_(store) {}

  Result<void> before(const std::string& session_id, const ToolCall& call,
                      const std::filesystem::path& workspace) override;
  Result<void> after(const std::string& session_id, const ToolCall& call) override;

 private:
  struct Snapshot {
    std::filesystem::path workspace;
    /// Each file read, with its content (nullopt: it did not exist).
    std::map<std::filesystem::path, std::optional<std::string>> files;
    /// Every crate file was read (not cut at the cap): a file found after and not before was
    /// created by the call.
    bool complete = true;
  };

  store::SessionStore& store_;
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, Snapshot> pending_;  ///< by (session, call id)
};

}  // namespace agentry::engine
