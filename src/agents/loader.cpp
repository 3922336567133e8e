#include "agents/loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <utility>

#include <fmt/format.h>

#include "agents/agent_parser.hpp"
#include "core/unique_fd.hpp"

namespace agentry::agents {

namespace fs = std::filesystem;

namespace {

// Loading thousands of small files is dominated by system calls and path handling, so folders are
// walked with openat/getdents relative to an open directory (no path lookups from the root, no
// stat for entries whose type the directory already gives) and each file is read with one read
// into a reused buffer.

constexpr int kMaxDepth = 64;

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};
using UniqueDir = std::unique_ptr<DIR, DirCloser>;

bool is_readme(std::string_view name) {
  if (name.size() != 9) return false;
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "readme.md";
}

bool starts_with_fence(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text.substr(0, 3) == "---";
}

bool ends_with_md(std::string_view name) {
  return name.size() > 3 && name.substr(name.size() - 3) == ".md";
}

class Loader {
 public:
  Loader(std::string_view scope, LoadResult& out) : scope_(scope), out_(out) {}

  /// Reads `name` relative to `dir_fd` and parses it. `path` is how diagnostics name the file;
  /// `agent_name` the name to use when the file has none.
  void load(int dir_fd, const char* name, const fs::path& path, std::string_view agent_name,
            bool in_folder) {
    std::string error;
    if (!read(dir_fd, name, error)) {
      out_.diagnostics.push_back({Severity::kError, path, 1, 1, error});
      return;
    }
    std::string text(buffer_.data(), size_);
    if (in_folder && is_readme(name) && !starts_with_fence(text)) {
      out_.diagnostics.push_back(
          {Severity::kInfo, path, 1, 1,
           "skipped: a README.md without front-matter documents the folder"});
      return;
    }
    if (auto def = parse_agent(std::move(text), path, agent_name, scope_, out_.diagnostics)) {
      out_.agents.push_back(std::move(*def));
    }
  }

  /// Walks the folder open as `fd` (taken over). `path` is its path; names derive from the part
  /// after `name_base`.
  void walk(int fd, std::string& path, std::size_t name_base, int depth) {
    UniqueFd owned(fd);
    UniqueDir dir(::fdopendir(owned.get()));
    if (!dir) {
      report_folder_error(path, errno);
      return;
    }
    owned.release();
    std::vector<std::pair<std::string, unsigned char>> entries;
    while (const dirent* entry = ::readdir(dir.get())) {
      std::string_view name = entry->d_name;
      if (name == "." || name == "..") continue;
      entries.emplace_back(name, entry->d_type);
    }
    // Sorted, so that "later wins" among files of one folder does not depend on the disk.
    std::sort(entries.begin(), entries.end());
    int dir_fd = ::dirfd(dir.get());
    for (auto& [name, type] : entries) {
      Kind kind = classify(dir_fd, name.c_str(), type);
      if (kind == Kind::kOther || (kind == Kind::kFile && !ends_with_md(name))) continue;
      std::size_t restore = path.size();
      if (path.back() != '/') path += '/';
      path += name;
      if (kind == Kind::kFile) {
        std::string_view agent_name(path.data() + name_base, path.size() - name_base - 3);
        load(dir_fd, name.c_str(), fs::path(path), agent_name, true);
      } else if (depth < kMaxDepth) {
        int sub = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (sub >= 0) {
          bool agents_folder = name == "agents" || name == "agent";
          walk(sub, path, agents_folder ? path.size() + 1 : name_base, depth + 1);
        } else if (errno != EACCES) {
          report_folder_error(path, errno);
        }
      }
      path.resize(restore);
    }
  }

 private:
  enum class Kind { kFile, kDir, kOther };

  /// Files (symlinks to files too) and real folders; a symlink to a folder is not followed, so a
  /// link cycle cannot trap the walk.
  static Kind classify(int dir_fd, const char* name, unsigned char type) {
    if (type == DT_REG) return Kind::kFile;
    if (type == DT_DIR) return Kind::kDir;
    if (type != DT_LNK && type != DT_UNKNOWN) return Kind::kOther;
    struct stat st {};
    if (::fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return Kind::kOther;
    if (S_ISDIR(st.st_mode)) return Kind::kDir;
    if (S_ISLNK(st.st_mode) && ::fstatat(dir_fd, name, &st, 0) != 0) return Kind::kOther;
    return S_ISREG(st.st_mode) ? Kind::kFile : Kind::kOther;
  }

  /// Reads the file into buffer_; false with the diagnostic's text in `error` when it cannot be
  /// read or is larger than kMaxAgentFileBytes (checked before reading, and while reading for
  /// files whose size the kernel does not know).
  bool read(int dir_fd, const char* name, std::string& error) {
    UniqueFd fd(::openat(dir_fd, name, O_RDONLY | O_CLOEXEC));
    struct stat st {};
    if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0) {
      error = std::string("cannot read the file: ") + std::strerror(errno);
      return false;
    }
    auto too_large = [&](const std::string& size) {
      error = fmt::format(
          "the file is {}; an agent file may have at most {} bytes, so it was not loaded (an "
          "agent's prompt takes a few KB: move reference material into files the agent reads)",
          size, kMaxAgentFileBytes);
      return false;
    };
    if (static_cast<std::uint64_t>(st.st_size) > kMaxAgentFileBytes)
      return too_large(fmt::format("{} bytes", st.st_size));
    if (buffer_.empty()) buffer_.resize(1 << 16);
    size_ = 0;
    while (true) {
      if (size_ > kMaxAgentFileBytes) return too_large(fmt::format("{}+ bytes", size_));
      if (size_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
      ssize_t n = ::read(fd.get(), buffer_.data() + size_, buffer_.size() - size_);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        error = std::string("cannot read the file: ") + std::strerror(errno);
        return false;
      }
      if (n == 0) return true;
      size_ += static_cast<std::size_t>(n);
      // A regular file reads short only at its end: no extra read to see end-of-file.
      if (size_ < buffer_.size()) return true;
    }
  }

  void report_folder_error(const std::string& path, int err) {
    out_.diagnostics.push_back({Severity::kError, fs::path(path), 1, 1,
                                fmt::format("cannot read the folder: {}", std::strerror(err))});
  }

  std::string_view scope_;
  LoadResult& out_;
  std::vector<char> buffer_;
  std::size_t size_ = 0;
};

}  // namespace

std::string name_from_path(const fs::path& file, const fs::path& root) {
  fs::path base = root;
  for (fs::path dir = file.parent_path(); !dir.empty() && dir != root; dir = dir.parent_path()) {
    std::string name = dir.filename().string();
    if (name == "agents" || name == "agent") {
      base = dir;
      break;
    }
    if (dir == dir.parent_path()) break;
  }
  fs::path relative = file.lexically_relative(base);
  if (relative.empty() || *relative.begin() == "..") relative = file.filename();
  relative.replace_extension();
  return relative.generic_string();
}

void load_agent_file(const fs::path& file, const fs::path& root, std::string_view scope,
                     LoadResult& out) {
  Loader(scope, out).load(AT_FDCWD, file.c_str(), file, name_from_path(file, root), false);
}

void load_agent_dir(const fs::path& folder, std::string_view scope, LoadResult& out) {
  // "a/b/" and "a/b" must name the same root, or names derived from paths would differ.
  fs::path dir = folder.lexically_normal();
  if (dir.filename().empty() && dir.has_parent_path()) dir = dir.parent_path();
  std::string path = dir.string();
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    out.diagnostics.push_back({Severity::kError, dir, 1, 1,
                               fmt::format("cannot read the folder: {}", std::strerror(errno))});
    return;
  }
  Loader loader(scope, out);
  loader.walk(fd, path, path.size() + (path.back() == '/' ? 0 : 1), 0);
}

LoadResult load_paths(const std::vector<fs::path>& paths, std::string_view scope) {
  LoadResult out;
  for (const auto& path : paths) {
    std::error_code ec;
    fs::file_status status = fs::status(path, ec);
    if (fs::is_directory(status)) {
      load_agent_dir(path, scope, out);
    } else if (fs::exists(status)) {
      load_agent_file(path, path.parent_path(), scope, out);
    } else {
      out.diagnostics.push_back(
          {Severity::kError, path, 1, 1,
           "no such file or folder: give an agent file (.md) or a folder of them"});
    }
  }
  return out;
}

}  // namespace agentry::agents
