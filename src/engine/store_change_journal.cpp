#include "engine/store_change_journal.hpp"

#include <fmt/format.h>

#include "tools/executors.hpp"
#include "tools/file_walk.hpp"
#include "tools/workspace.hpp"

namespace agentry::engine {

namespace fs = std::filesystem;

namespace {

/// At most this many files are snapshotted for one crate-wide call.
constexpr std::size_t kMaxFiles = 20000;

bool crate_file(const fs::path& p) {
  auto name = p.filename().string();
  return p.extension() == ".rs" || name == "Cargo.toml" || name == "Cargo.lock";
}

/// The file's content; nullopt when it does not exist; an Error when it cannot be read.
Result<std::optional<std::string>> read_state(const tools::Workspace& ws, const fs::path& file) {
  std::error_code ec;
  auto status = fs::symlink_status(file, ec);
  if (ec || status.type() == fs::file_type::not_found) return std::optional<std::string>();
  auto text = tools::read_workspace_file(ws, file, tools::kMaxWholeFileBytes);
  if (!text) return tl::make_unexpected(text.error());
  return std::optional<std::string>(std::move(*text));
}

}  // namespace

Result<void> StoreChangeJournal::before(const std::string& session_id, const ToolCall& call,
                                        const fs::path& workspace) {
  auto ws = tools::Workspace::open(workspace);
  if (!ws) return tl::make_unexpected(ws.error());
  Snapshot snap{workspace, {}, false};
  std::optional<Error> unreadable;
  auto take = [&](const fs::path& file) {
    auto state = read_state(*ws, file);
    if (state) {
      snap.files.emplace(file, std::move(*state));
    } else if (!unreadable) {
      unreadable = state.error();
    }
  };
  auto path = call.arguments.is_object() ? call.arguments.find("path") : call.arguments.end();
  if (call.arguments.is_object() && path != call.arguments.end() && path->is_string()) {
    auto resolved = ws->resolve(path->get<std::string>());
    // A path outside the workspace is refused by the tool itself: nothing to keep.
    if (resolved) take(*resolved);
  } else {
    snap.complete = true;
    tools::walk_files(*ws, ws->root(), [&](const fs::path& file, const std::string&) {
      if (!crate_file(file)) return true;
      if (snap.files.size() >= kMaxFiles) {
        snap.complete = false;
        return false;
      }
      take(file);
      return true;
    });
  }
  {
    std::lock_guard lock(mutex_);
    pending_[{session_id, call.id}] = std::move(snap);
  }
  if (unreadable) {
    Error e = *unreadable;
    e.message = fmt::format("{} cannot be snapshotted for undo: {}", call.name, e.message);
    return tl::make_unexpected(std::move(e));
  }
  return {};
}

Result<void> StoreChangeJournal::after(const std::string& session_id, const ToolCall& call) {
  Snapshot snap;
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find({session_id, call.id});
    if (it == pending_.end()) return {};
    snap = std::move(it->second);
    pending_.erase(it);
  }
  auto ws = tools::Workspace::open(snap.workspace);
  if (!ws) return tl::make_unexpected(ws.error());
  std::optional<Error> failed;
  auto note = [&](const Error& e) {
    if (!failed) failed = e;
  };
  auto record = [&](const fs::path& file, std::optional<std::string> before,
                    std::optional<std::string> after) {
    store::NewFileChange change{call.id, file.string(), std::move(before), std::move(after)};
    if (auto ok = store_.record_file_change(session_id, change); !ok) note(ok.error());
  };
  for (auto& [file, before] : snap.files) {
    auto now = read_state(*ws, file);
    if (!now) {
      note(now.error());
      continue;
    }
    if (*now != before) record(file, std::move(before), std::move(*now));
  }
  // A crate-wide call may also create files (rustfmt never does; a fix might): those found now
  // and not before were created by it.
  if (snap.complete) {
    std::size_t seen = 0;
    tools::walk_files(*ws, ws->root(), [&](const fs::path& file, const std::string&) {
      if (!crate_file(file) || snap.files.contains(file)) return true;
      if (auto now = read_state(*ws, file); now && *now)
        record(file, std::nullopt, std::move(*now));
      return ++seen < kMaxFiles;
    });
  }
  if (failed) return tl::make_unexpected(*failed);
  return {};
}

}  // namespace agentry::engine
