#include "agents/loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include <fmt/format.h>

#include "agents/agent_parser.hpp"

namespace agentry::agents {

namespace fs = std::filesystem;

namespace {

/// Reads a whole file with one open/fstat/read: loading thousands of small files is dominated
/// by system calls, and iostreams add several per file.
bool read_whole_file(const fs::path& file, std::string& out, std::string& error) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 0) out.reserve(static_cast<std::size_t>(st.st_size));
  char buf[65536];
  bool ok = true;
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0) {
      break;
    } else if (errno != EINTR) {
      error = std::strerror(errno);
      ok = false;
      break;
    }
  }
  ::close(fd);
  return ok;
}

bool is_readme(const fs::path& file) {
  std::string name = file.filename().string();
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name == "readme.md";
}

bool starts_with_fence(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text.substr(0, 3) == "---";
}

void load_file(const fs::path& file, const fs::path& root, std::string_view scope, bool in_folder,
               LoadResult& out) {
  std::string text;
  std::string error;
  if (!read_whole_file(file, text, error)) {
    out.diagnostics.push_back({Severity::kError, file, 1, 1, "cannot read the file: " + error});
    return;
  }
  if (in_folder && is_readme(file) && !starts_with_fence(text)) {
    out.diagnostics.push_back({Severity::kInfo, file, 1, 1,
                               "skipped: a README.md without front-matter documents the folder"});
    return;
  }
  if (auto def =
          parse_agent(std::move(text), file, name_from_path(file, root), scope, out.diagnostics)) {
    out.agents.push_back(std::move(*def));
  }
}

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
  load_file(file, root, scope, false, out);
}

void load_agent_dir(const fs::path& folder, std::string_view scope, LoadResult& out) {
  // "a/b/" and "a/b" must name the same root, or names derived from paths would differ.
  fs::path dir = folder.lexically_normal();
  if (dir.filename().empty() && dir.has_parent_path()) dir = dir.parent_path();
  std::vector<fs::path> files;
  std::error_code ec;
  auto it =
      fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    if (entry.path().extension() != ".md") continue;
    std::error_code type_ec;
    if (entry.is_regular_file(type_ec)) files.push_back(entry.path());
  }
  if (ec) {
    out.diagnostics.push_back(
        {Severity::kError, dir, 1, 1, fmt::format("cannot read the folder: {}", ec.message())});
  }
  std::sort(files.begin(), files.end());
  out.agents.reserve(out.agents.size() + files.size());
  for (const auto& file : files)
    load_file(file, dir, scope, true, out);
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
