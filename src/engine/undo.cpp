#include "engine/undo.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/message.hpp"
#include "core/unique_fd.hpp"
#include "store/sha256.hpp"
#include "tools/text_diff.hpp"

namespace agentry::engine {

namespace fs = std::filesystem;

namespace {

/// The file's content; nullopt when nothing is there.
std::optional<std::string> read_now(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(file, ec))) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::string();
  std::ostringstream ss;
  ss << in.rdbuf();
  return std::move(ss).str();
}

std::string hash_of(const std::optional<std::string>& content) {
  return content ? store::sha256_hex(*content) : std::string(store::kAbsent);
}

std::string shown_path(const fs::path& file, const fs::path& cwd) {
  auto rel = file.lexically_relative(cwd);
  return rel.empty() || rel.native().starts_with("..") ? file.string() : rel.string();
}

bool beneath(const fs::path& file, const fs::path& cwd) {
  auto rel = file.lexically_normal().lexically_relative(cwd.lexically_normal());
  return !rel.empty() && !rel.native().starts_with("..") && file.is_absolute();
}

/// Writes `content` to `file` through a temporary file in its folder and a rename, keeping the
/// mode of the file it replaces.
Result<void> write_whole(const fs::path& file, const std::string& content) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  std::string temp =
      (file.parent_path() / fmt::format(".{}.agentry-undo-XXXXXX", file.filename().string()))
          .string();
  auto io_error = [&](const std::string& what) {
    return fail(ErrorCode::kIo, fmt::format("cannot {}: {}", what, std::strerror(errno)),
                file.string(), "check the folder's permissions, then undo again");
  };
  UniqueFd fd(::mkstemp(temp.data()));
  if (!fd.valid()) return io_error("create a temporary file next to it");
  struct stat st {};
  mode_t mode = ::stat(file.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
  std::size_t done = 0;
  while (done < content.size()) {
    auto n = ::write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::unlink(temp.c_str());
      return io_error("write it back");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd.get(), mode) != 0 || ::close(fd.release()) != 0 ||
      ::rename(temp.c_str(), file.c_str()) != 0) {
    ::unlink(temp.c_str());
    return io_error("put it back in place");
  }
  return {};
}

std::string turn_words(const std::vector<std::int64_t>& turns) {
  if (turns.size() == 1) return fmt::format("turn {}", turns.front());
  return fmt::format("turns {} to {}", turns.front(), turns.back());
}

}  // namespace

std::vector<std::string> UndoPlan::conflicts() const {
  std::vector<std::string> out;
  for (const auto& f : files) {
    if (f.conflict) out.push_back(f.shown);
  }
  return out;
}

Result<std::string> Undo::session_for(const std::string& id, const std::string& cwd) const {
  if (!id.empty()) return store_.resolve_id(id);
  auto latest = store_.latest_session_for_cwd(cwd);
  if (!latest) {
    return fail(ErrorCode::kNotFound, "no session to undo in this directory", cwd,
                "name one: `agentry sessions list --all` lists them");
  }
  return latest->id;
}

Result<std::vector<UndoTurn>> Undo::turns(const std::string& session_id) const {
  auto info = store_.get_session(session_id);
  if (!info) return tl::make_unexpected(info.error());
  auto changes = store_.file_changes(session_id);
  if (!changes) return tl::make_unexpected(changes.error());
  std::vector<UndoTurn> out;
  for (const auto& c : *changes) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const UndoTurn& t) { return t.turn == c.prompt_turn; });
    if (it == out.end()) {
      out.push_back({c.prompt_turn, c.prompt, {}, true});
      it = out.end() - 1;
    }
    auto shown = shown_path(c.path, info->cwd);
    if (std::find(it->files.begin(), it->files.end(), shown) == it->files.end())
      it->files.push_back(shown);
    it->undone = it->undone && c.reverted;
  }
  std::sort(out.begin(), out.end(),
            [](const UndoTurn& a, const UndoTurn& b) { return a.turn < b.turn; });
  return out;
}

Result<UndoPlan> Undo::plan(const std::string& session_id, const UndoScope& scope) const {
  auto info = store_.get_session(session_id);
  if (!info) return tl::make_unexpected(info.error());
  auto changes = store_.file_changes(session_id);
  if (!changes) return tl::make_unexpected(changes.error());
  UndoPlan plan;
  plan.session_id = session_id;
  plan.root_id = changes->empty() ? session_id : changes->front().root_id;
  if (changes->empty()) {
    plan.nothing = fmt::format("nothing to undo: session {} changed no files", session_id);
    return plan;
  }
  std::int64_t last_turn = 0;
  for (const auto& c : *changes)
    last_turn = std::max(last_turn, c.prompt_turn);
  auto selected = [&](const store::FileChange& c) {
    switch (scope.kind) {
      case UndoScope::Kind::kAll:
        return true;
      case UndoScope::Kind::kFromTurn:
        return c.prompt_turn >= scope.turn;
      case UndoScope::Kind::kLastTurn:
        return c.prompt_turn == last_turn;
    }
    return false;
  };
  std::vector<const store::FileChange*> chosen;
  std::vector<std::int64_t> turns;
  bool any_in_scope = false;
  for (const auto& c : *changes) {
    if (!selected(c)) continue;
    any_in_scope = true;
    if (c.reverted) continue;
    chosen.push_back(&c);
    if (std::find(turns.begin(), turns.end(), c.prompt_turn) == turns.end())
      turns.push_back(c.prompt_turn);
  }
  std::sort(turns.begin(), turns.end());
  switch (scope.kind) {
    case UndoScope::Kind::kAll:
      plan.what = fmt::format("session {}", session_id);
      break;
    case UndoScope::Kind::kFromTurn:
      plan.what = turns.empty() ? fmt::format("turn {} on", scope.turn) : turn_words(turns);
      break;
    case UndoScope::Kind::kLastTurn:
      plan.what = fmt::format("turn {}", last_turn);
      break;
  }
  if (chosen.empty()) {
    if (scope.kind == UndoScope::Kind::kFromTurn && !any_in_scope)
      return fail(
          ErrorCode::kNotFound,
          fmt::format("no file changes from turn {} on in session {}", scope.turn, session_id),
          "--to", "`/rewind` lists the turns that changed files");
    plan.nothing = fmt::format("nothing to undo: the changes of {} were already undone", plan.what);
    return plan;
  }
  // Per file: the content before its earliest change undone, and the one its latest left.
  std::map<std::string, std::pair<const store::FileChange*, const store::FileChange*>> by_path;
  std::vector<std::string> order;
  for (const auto* c : chosen) {
    auto [it, added] = by_path.try_emplace(c->path, c, c);
    if (added) order.push_back(c->path);
    it->second.second = c;
    plan.change_ids.push_back(c->id);
  }
  for (const auto& path : order) {
    const auto& [first, last] = by_path[path];
    // Recorded beneath the workspace, and still there now: a folder swapped for a symlink since
    // would lead the write elsewhere.
    std::error_code ec;
    auto real = fs::weakly_canonical(path, ec);
    if (!beneath(path, info->cwd) || ec || !beneath(real, fs::weakly_canonical(info->cwd, ec)))
      return fail(
          ErrorCode::kPermission,
          fmt::format("this file is outside the session's directory {} (a symlink?)", info->cwd),
          path, "undo it by hand");
    UndoFile file;
    file.path = path;
    file.shown = shown_path(path, info->cwd);
    file.now = read_now(path);
    file.conflict = hash_of(file.now) != last->after_hash;
    if (first->before_hash != store::kAbsent) {
      auto content = store_.blob(first->before_hash);
      if (!content) return tl::make_unexpected(content.error());
      file.target = std::move(*content);
    }
    plan.files.push_back(std::move(file));
  }
  return plan;
}

std::string Undo::diff(const UndoPlan& plan) {
  std::string out;
  for (const auto& f : plan.files) {
    if (f.now == f.target) continue;
    out += tools::unified_diff(f.now.value_or(""), f.target.value_or(""), f.shown);
    if (!f.target) out += fmt::format("(deleted: {})\n", f.shown);
  }
  return out;
}

Result<std::string> Undo::apply(const UndoPlan& plan, bool force) {
  if (plan.files.empty()) return std::string();
  auto conflicts = plan.conflicts();
  if (!conflicts.empty() && !force) {
    return fail(ErrorCode::kPermission,
                fmt::format("{} changed since the agent last changed {}, by someone else; "
                            "nothing was undone",
                            fmt::join(conflicts, ", "), conflicts.size() == 1 ? "it" : "them"),
                plan.what, "look at the changes, then undo again with --force to overwrite them");
  }
  std::vector<std::string> restored;
  std::vector<std::string> deleted;
  for (const auto& f : plan.files) {
    if (f.target) {
      if (f.now != f.target) {
        if (auto ok = write_whole(f.path, *f.target); !ok) return tl::make_unexpected(ok.error());
      }
      restored.push_back(f.shown);
    } else {
      std::error_code ec;
      fs::remove(f.path, ec);
      if (ec)
        return fail(ErrorCode::kIo, fmt::format("cannot delete it: {}", ec.message()), f.path,
                    "delete it by hand");
      deleted.push_back(f.shown);
    }
  }
  if (auto ok = store_.mark_reverted(plan.change_ids); !ok) return tl::make_unexpected(ok.error());
  std::string note = fmt::format("[agentry: the user undid the file changes of {}.", plan.what);
  if (!restored.empty())
    note += fmt::format(" Back as they were before: {}.", fmt::join(restored, ", "));
  if (!deleted.empty())
    note += fmt::format(" Deleted (they did not exist before): {}.", fmt::join(deleted, ", "));
  note += " Read them again before you change them.]";
  std::vector<Message> messages{Message::user(note)};
  if (auto ok = store_.append_turn(plan.root_id, messages, store::TurnUsage{}); !ok)
    return tl::make_unexpected(ok.error());
  return note;
}

}  // namespace agentry::engine
