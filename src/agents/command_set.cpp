#include "agents/command_set.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <unordered_map>

#include <fmt/format.h>

#include "core/paths.hpp"
#include "core/unique_fd.hpp"

namespace agentry::agents {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxCommandDepth = 16;

/// Reads a regular file of at most kMaxCommandFileBytes (opened without blocking, so a FIFO
/// named `x.md` cannot hang the load); the problem's text in `error` otherwise.
bool read_command_file(const fs::path& path, std::string& text, std::string& error) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  struct stat st {};
  if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0) {
    error = fmt::format("cannot read the file: {}", std::strerror(errno));
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    error = "not a regular file: a command is a markdown file";
    return false;
  }
  if (static_cast<std::uintmax_t>(st.st_size) > kMaxCommandFileBytes) {
    error = fmt::format("the file is {} bytes; a command file may have at most {}", st.st_size,
                        kMaxCommandFileBytes);
    return false;
  }
  text.resize(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::read(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = fmt::format("cannot read the file: {}", std::strerror(errno));
      return false;
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  text.resize(done);
  return true;
}

/// The `*.md` files under `dir`, sorted, with their names (`a/b.md` -> `a:b`). Folder symlinks
/// are not followed (no cycles); file symlinks are.
void collect(const fs::path& dir, const std::string& prefix, int depth,
             std::vector<std::pair<fs::path, std::string>>& out) {
  std::error_code ec;
  std::vector<fs::directory_entry> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    entries.push_back(*it);
  std::sort(entries.begin(), entries.end());
  for (const auto& entry : entries) {
    std::string name = entry.path().filename().string();
    if (entry.is_directory(ec) && !entry.is_symlink(ec)) {
      if (depth < kMaxCommandDepth) collect(entry.path(), prefix + name + ":", depth + 1, out);
    } else if (name.size() > 3 && name.ends_with(".md")) {
      out.emplace_back(entry.path(), prefix + name.substr(0, name.size() - 3));
    }
  }
}

}  // namespace

std::vector<SearchDir> command_search_path(const Environment& env, const fs::path& cwd) {
  std::vector<SearchDir> candidates = {
      {env.home() / ".claude" / "commands", "user"},
      {env.config_home() / "opencode" / "command", "user"},
      {env.config_home() / "opencode" / "commands", "user"},
      {user_config_dir(env) / "commands", "user"},
  };
  for (const auto& dir : project_directories(cwd)) {
    for (const char* folder :
         {".claude/commands", ".opencode/command", ".opencode/commands", ".agentry/commands"})
      candidates.push_back({dir / folder, "project"});
  }
  std::vector<SearchDir> out;
  std::vector<fs::path> seen;
  for (auto& candidate : candidates) {
    std::error_code ec;
    if (!fs::is_directory(candidate.path, ec)) continue;
    fs::path key = fs::weakly_canonical(candidate.path, ec);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(std::move(key));
    out.push_back(std::move(candidate));
  }
  return out;
}

CommandSet CommandSet::load(const std::vector<SearchDir>& search_path) {
  CommandSet set;
  std::unordered_map<std::string, std::size_t> index;
  std::string text;
  std::string error;
  for (const auto& dir : search_path) {
    std::vector<std::pair<fs::path, std::string>> files;
    collect(dir.path, "", 0, files);
    for (auto& [path, name] : files) {
      if (!read_command_file(path, text, error)) {
        set.diagnostics_.push_back({Severity::kError, path, 1, 1, error});
        continue;
      }
      auto command = parse_custom_command(text, path, name, dir.scope, set.diagnostics_);
      if (!command) continue;
      auto [it, inserted] = index.try_emplace(command->name, set.commands_.size());
      if (inserted) {
        set.commands_.push_back(std::move(*command));
        continue;
      }
      CustomCommand& previous = set.commands_[it->second];
      set.diagnostics_.push_back(
          {Severity::kInfo, path, 1, 1,
           fmt::format("command /{} is defined again here: it shadows {} ({} scope)", command->name,
                       previous.source.string(), previous.scope)});
      previous = std::move(*command);
    }
  }
  std::sort(set.commands_.begin(), set.commands_.end(),
            [](const CustomCommand& a, const CustomCommand& b) { return a.name < b.name; });
  return set;
}

const CustomCommand* CommandSet::find(std::string_view name) const {
  const CustomCommand* by_last_part = nullptr;
  int last_part_count = 0;
  for (const auto& command : commands_) {
    if (command.name == name) return &command;
    std::size_t colon = command.name.rfind(':');
    if (colon != std::string::npos && std::string_view(command.name).substr(colon + 1) == name) {
      by_last_part = &command;
      ++last_part_count;
    }
  }
  return last_part_count == 1 ? by_last_part : nullptr;
}

}  // namespace agentry::agents
