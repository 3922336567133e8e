#include "engine/instructions.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <optional>
#include <set>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include <fmt/format.h>

#include "core/unique_fd.hpp"
#include "tools/beneath.hpp"
#include "tools/capped_text.hpp"
#include "tools/workspace.hpp"

namespace agentry::engine {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kInstructionNames[] = {"AGENTS.md", "CLAUDE.md"};

bool is_blank_char(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/// The fence opening or closing a fenced code block (three or more ` or ~ after at most three
/// spaces), or an empty view.
std::string_view fence_of(std::string_view line) {
  std::size_t indent = 0;
  while (indent < line.size() && indent < 3 && line[indent] == ' ')
    ++indent;
  line.remove_prefix(indent);
  if (line.empty() || (line[0] != '`' && line[0] != '~')) return {};
  std::size_t n = line.find_first_not_of(line[0]);
  if (n == std::string_view::npos) n = line.size();
  return n >= 3 ? line.substr(0, n) : std::string_view{};
}

/// Where a run of exactly `length` backticks starts in `line` from `from` (the end of a code
/// span), or npos.
std::size_t closing_run(std::string_view line, std::size_t from, std::size_t length) {
  while (from < line.size()) {
    if (line[from] != '`') {
      ++from;
      continue;
    }
    std::size_t end = line.find_first_not_of('`', from);
    if (end == std::string_view::npos) end = line.size();
    if (end - from == length) return from;
    from = end;
  }
  return std::string_view::npos;
}

/// "see @docs/build.md." imports docs/build.md: sentence punctuation is not part of a path.
std::string_view without_trailing_punctuation(std::string_view token) {
  constexpr std::string_view kPunctuation = ".,;:!?)]}>\"'";
  while (!token.empty() && kPunctuation.find(token.back()) != std::string_view::npos)
    token.remove_suffix(1);
  return token;
}

/// Whether a missing import is worth a warning: it names a file with an extension (.md, .txt),
/// where `@alice` or `@types/node` are more likely a mention in the text.
bool looks_like_file(std::string_view token) {
  auto name = token.substr(token.find_last_of('/') + 1);
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  auto ext = name.substr(dot + 1);
  return !ext.empty() && ext.size() <= 8 &&
         std::all_of(ext.begin(), ext.end(), [](char c) { return std::isalnum(c) != 0; }) &&
         std::any_of(ext.begin(), ext.end(), [](char c) { return std::isalpha(c) != 0; });
}

std::string size_text(std::size_t bytes) {
  return bytes % 1024 == 0 ? fmt::format("{} KiB", bytes / 1024) : fmt::format("{} bytes", bytes);
}

/// The text of the regular file open at `fd`, at most `max` bytes; nullopt with `error` set when
/// it is not a regular file or cannot be read.
std::optional<std::string> read_regular(const UniqueFd& fd, std::size_t max, std::string& error) {
  struct stat st {};
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0) {
    error = std::generic_category().message(errno);
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) {
    error = "not a regular file";
    return std::nullopt;
  }
  std::string text;
  char buffer[16 * 1024];
  while (text.size() < max) {
    ssize_t n = ::read(fd.get(), buffer, std::min(sizeof buffer, max - text.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = std::generic_category().message(errno);
      return std::nullopt;
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);  // a byte-order mark
  return tools::valid_utf8(text);
}

/// Reads the instructions of one working directory (see load_instructions).
class InstructionReader {
 public:
  InstructionReader(const fs::path& cwd, const InstructionSources& sources)
      : cwd_(cwd), sources_(sources) {
    std::error_code ec;
    if (!sources.home.empty()) real_home_ = fs::weakly_canonical(sources.home, ec);
  }

  Instructions read() {
    for (const auto& path : sources_.user_files)
      read_user_file(path);
    fs::path root = repository_root(cwd_);
    auto workspace = tools::Workspace::open(root);
    if (!workspace) {
      out_.warnings.push_back(fmt::format("{}: the project's instructions are not read: {}",
                                          root.string(), workspace.error().message));
    } else {
      project_.emplace(std::move(*workspace));
      std::vector<fs::path> folders;
      for (fs::path dir = cwd_;; dir = dir.parent_path()) {
        folders.push_back(dir);
        if (dir == root || dir == dir.parent_path()) break;
      }
      std::reverse(folders.begin(), folders.end());
      for (const auto& dir : folders)
        read_project_folder(dir);
    }
    if (!cut_file_.empty()) {
      out_.warnings.push_back(
          fmt::format("{}: instructions pass agentry's cap of {}: cut after {} bytes{}{}; "
                      "shorten them, or move detail into files the agent reads when it needs them",
                      cut_file_, size_text(sources_.max_bytes), cut_kept_,
                      left_out_.empty() ? "" : "; left out: ", fmt::join(left_out_, ", ")));
    }
    return std::move(out_);
  }

 private:
  /// A file to read: the project's (confined to its root) or the user's.
  struct Source {
    bool project = false;
    fs::path real;      ///< symlinks resolved
    std::string shown;  ///< as the prompt names it
  };

  std::string shown_user_path(const fs::path& path) const {
    for (const fs::path& home : {sources_.home, real_home_}) {
      if (home.empty()) continue;
      auto rel = path.lexically_relative(home);
      if (!rel.empty() && *rel.begin() != ".." && rel != ".") return "~/" + rel.generic_string();
    }
    return path.string();
  }

  void read_user_file(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(path, ec))) return;
    Source source{false, fs::canonical(path, ec), shown_user_path(path)};
    if (ec) return;  // a dangling symlink: there is no file
    if (cut_) {
      left_out_.push_back(source.shown);
      return;
    }
    if (seen_.count(source.real) != 0) return;
    auto text = read_user(source);
    if (!text) return;
    // The same text twice (one copied into both tools' folders) is read once.
    for (const auto& earlier : out_.files)
      if (earlier.imported_by.empty() && earlier.text == *text) return;
    add(source, std::move(*text), "", 0);
  }

  void read_project_folder(const fs::path& dir) {
    std::error_code ec;
    for (std::string_view name : kInstructionNames) {
      fs::path path = dir / name;
      if (!fs::exists(fs::symlink_status(path, ec))) continue;
      auto rel = path.lexically_relative(project_->root()).lexically_normal();
      std::string shown = rel.generic_string();
      if (cut_) {
        left_out_.push_back(shown);
        return;
      }
      auto real = project_->resolve(rel.string());
      if (!real || !project_->contains(*real)) {
        out_.warnings.push_back(fmt::format(
            "{}: not read: it leads outside the project ({}) through a symlink; a project's "
            "instructions are read only from inside it",
            shown, project_->root().string()));
        return;
      }
      if (seen_.count(*real) != 0) return;
      Source source{true, *real, shown};
      if (auto text = read_project(source)) add(source, std::move(*text), "", 0);
      return;  // a folder's CLAUDE.md only when it has no AGENTS.md
    }
  }

  std::optional<std::string> read_user(const Source& source) {
    UniqueFd fd(::open(source.real.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    return read_file(fd, source);
  }

  std::optional<std::string> read_project(const Source& source) {
    UniqueFd fd = tools::open_beneath(project_->root_fd(), project_->relative(source.real),
                                      O_RDONLY | O_NONBLOCK);
    return read_file(fd, source);
  }

  std::optional<std::string> read_file(const UniqueFd& fd, const Source& source) {
    std::string error;
    auto text = read_regular(fd, sources_.max_bytes + 1, error);
    if (!text) out_.warnings.push_back(fmt::format("{}: not read: {}", source.shown, error));
    return text;
  }

  /// Adds a file, cut when it passes the cap, then what it imports (depth-first).
  void add(const Source& source, std::string text, const std::string& imported_by, int depth) {
    seen_.insert(source.real);
    std::string full = text;
    std::size_t room = sources_.max_bytes - total_;
    if (text.size() > room) {
      // At the end of a line when one ends in the second half of the room.
      auto line_end = room == 0 ? std::string::npos : text.rfind('\n', room - 1);
      std::size_t keep =
          line_end != std::string::npos && line_end >= room / 2 ? line_end + 1 : room;
      text = tools::valid_utf8(std::string_view(text).substr(0, keep));
      text += fmt::format("[… cut here: agentry reads at most {} of instructions]",
                          size_text(sources_.max_bytes));
      cut_ = true;
      cut_file_ = source.shown;
      cut_kept_ = keep;
      total_ = sources_.max_bytes;
    } else {
      total_ += text.size();
    }
    out_.files.push_back({source.shown, source.real, imported_by, std::move(text)});
    if (cut_) return;
    chain_.push_back(source);
    for (const auto& mention : find_imports(full))
      import(source, mention, depth + 1);
    chain_.pop_back();
  }

  std::string chain_text(const std::string& last) const {
    std::string out;
    for (const auto& s : chain_)
      out += s.shown + " → ";
    return out + last;
  }

  void import(const Source& from, const ImportMention& mention, int depth) {
    if (cut_) return;
    std::string where =
        fmt::format("{}:{}: @{} not imported", from.shown, mention.line, mention.path);
    if (depth > kMaxImportDepth) {
      out_.warnings.push_back(fmt::format("{}: imports nest at most {} deep ({})", where,
                                          kMaxImportDepth, chain_text(mention.path)));
      return;
    }
    auto target = from.project ? project_target(from, mention.path, where)
                               : user_target(from, mention.path, where);
    if (!target) return;
    auto in_chain = std::find_if(chain_.begin(), chain_.end(),
                                 [&](const Source& s) { return s.real == target->real; });
    if (in_chain != chain_.end()) {
      out_.warnings.push_back(
          fmt::format("{} again: an import cycle ({})", where, chain_text(target->shown)));
      return;
    }
    if (seen_.count(target->real) != 0) return;  // read already (imported twice, or found)
    auto text = from.project ? read_project(*target) : read_user(*target);
    if (text) add(*target, std::move(*text), from.shown, depth);
  }

  /// The file a project file's import names, confined to the project.
  std::optional<Source> project_target(const Source& from, const std::string& token,
                                       const std::string& where) {
    auto outside = [&] {
      out_.warnings.push_back(fmt::format(
          "{}: it is outside the project ({}); a project's instructions may import only files "
          "inside it",
          where, project_->root().string()));
      return std::nullopt;
    };
    if (token == "~" || token.starts_with("~/") || fs::path(token).is_absolute()) return outside();
    fs::path rel = project_->relative(from.real).parent_path() / token;
    if (auto first = rel.lexically_normal(); !first.empty() && *first.begin() == "..")
      return outside();
    auto real = project_->resolve(rel.string());
    if (!real || !project_->contains(*real)) return outside();
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(*real, ec))) return missing(token, where);
    return Source{true, *real, project_->display(*real)};
  }

  /// The file a user file's import names: `~/…`, absolute, or relative to the importing file.
  std::optional<Source> user_target(const Source& from, const std::string& token,
                                    const std::string& where) {
    fs::path path = token.starts_with("~/")         ? sources_.home / token.substr(2)
                    : fs::path(token).is_absolute() ? fs::path(token)
                                                    : from.real.parent_path() / token;
    std::error_code ec;
    fs::path real = fs::canonical(path, ec);
    if (ec) return missing(token, where);
    return Source{false, real, shown_user_path(real)};
  }

  std::optional<Source> missing(const std::string& token, const std::string& where) {
    if (looks_like_file(token)) out_.warnings.push_back(fmt::format("{}: no such file", where));
    return std::nullopt;
  }

  fs::path cwd_;
  const InstructionSources& sources_;
  fs::path real_home_;
  std::optional<tools::Workspace> project_;
  Instructions out_;
  std::set<fs::path> seen_;
  std::vector<Source> chain_;  ///< the file being read and the files that imported it
  std::size_t total_ = 0;
  bool cut_ = false;
  std::string cut_file_;
  std::size_t cut_kept_ = 0;
  std::vector<std::string> left_out_;
};

}  // namespace

fs::path repository_root(const fs::path& cwd) {
  std::error_code ec;
  for (fs::path dir = cwd;; dir = dir.parent_path()) {
    if (fs::exists(fs::symlink_status(dir / ".git", ec))) return dir;
    if (dir == dir.parent_path() || dir.empty()) break;
  }
  return cwd;
}

std::vector<ImportMention> find_imports(std::string_view markdown) {
  std::vector<ImportMention> out;
  std::string fence;  // the open fence, when in a fenced code block
  int number = 0;
  while (!markdown.empty()) {
    auto end = markdown.find('\n');
    std::string_view line = markdown.substr(0, end);
    markdown.remove_prefix(end == std::string_view::npos ? markdown.size() : end + 1);
    ++number;
    if (auto f = fence_of(line); !f.empty()) {
      if (fence.empty()) {
        fence = f;
      } else if (f[0] == fence[0] && f.size() >= fence.size()) {
        fence.clear();
      }
      continue;
    }
    if (!fence.empty()) continue;
    for (std::size_t i = 0; i < line.size();) {
      if (line[i] == '`') {  // a code span: a run of backticks up to a run of the same length
        std::size_t run = line.find_first_not_of('`', i);
        if (run == std::string_view::npos) break;
        std::size_t close = closing_run(line, run, run - i);
        i = close == std::string_view::npos ? run : close + (run - i);
        continue;
      }
      if (line[i] == '@' && (i == 0 || is_blank_char(line[i - 1]))) {
        std::size_t stop = i + 1;
        while (stop < line.size() && !is_blank_char(line[stop]))
          ++stop;
        auto token = without_trailing_punctuation(line.substr(i + 1, stop - i - 1));
        if (!token.empty() && token[0] != '@') out.push_back({std::string(token), number});
        i = stop;
        continue;
      }
      ++i;
    }
  }
  return out;
}

Instructions load_instructions(const fs::path& cwd, const InstructionSources& sources) {
  std::error_code ec;
  fs::path real = fs::weakly_canonical(cwd, ec);
  return InstructionReader(ec ? cwd : real, sources).read();
}

}  // namespace agentry::engine
