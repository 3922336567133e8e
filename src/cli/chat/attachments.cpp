#include "cli/chat/attachments.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/text.hpp"

namespace agentry::cli::chat {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTrailingPunctuation = ".,;:!?)]}'\"";

/// The mention with trailing punctuation removed, unless the file itself has it.
std::string trim_mention(std::string mention, const tools::Workspace& ws) {
  while (!mention.empty() && kTrailingPunctuation.find(mention.back()) != std::string::npos) {
    auto resolved = ws.resolve(mention);
    std::error_code ec;
    if (resolved && fs::is_regular_file(*resolved, ec)) break;
    mention.pop_back();
  }
  return mention;
}

}  // namespace

std::vector<std::string> attachment_mentions(std::string_view message) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < message.size(); ++i) {
    if (message[i] != '@' || (i > 0 && !is_ascii_space(message[i - 1]))) continue;
    std::size_t start = i + 1;
    if (start < message.size() && message[start] == '"') {
      auto close = message.find('"', start + 1);
      if (close == std::string_view::npos) continue;
      out.emplace_back(message.substr(start + 1, close - start - 1));
      i = close;
      continue;
    }
    std::size_t end = start;
    while (end < message.size() && !is_ascii_space(message[end]))
      ++end;
    if (end > start) out.emplace_back(message.substr(start, end - start));
    i = end;
  }
  return out;
}

ExpandedMessage attach_files(std::string_view message, const tools::Workspace& workspace,
                             std::size_t max_bytes) {
  ExpandedMessage out;
  out.text = std::string(message);
  std::string blocks;
  for (auto mention : attachment_mentions(message)) {
    bool quoted = message.find("@\"" + mention + "\"") != std::string_view::npos;
    if (!quoted) mention = trim_mention(std::move(mention), workspace);
    if (mention.empty()) continue;
    auto resolved = workspace.resolve(mention);
    if (!resolved) {
      out.problems.push_back(fmt::format("@{}: {}", mention, resolved.error().message));
      continue;
    }
    std::string shown = workspace.display(*resolved);
    if (std::any_of(out.files.begin(), out.files.end(),
                    [&](const AttachedFile& f) { return f.path == shown; }))
      continue;
    std::error_code ec;
    if (fs::is_directory(*resolved, ec)) {
      out.problems.push_back(fmt::format("@{}: is a folder; attach its files one by one", shown));
      continue;
    }
    if (!fs::is_regular_file(*resolved, ec)) {
      out.problems.push_back(fmt::format("@{}: no such file in the workspace", mention));
      continue;
    }
    auto size = fs::file_size(*resolved, ec);
    if (ec || size > max_bytes) {
      out.problems.push_back(
          fmt::format("@{}: {} bytes is more than the {} bytes a message may "
                      "attach; ask the agent to read it instead",
                      shown, ec ? 0 : size, max_bytes));
      continue;
    }
    std::ifstream in(*resolved, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (!in && !in.eof()) {
      out.problems.push_back(fmt::format("@{}: cannot be read", shown));
      continue;
    }
    std::string text = std::move(content).str();
    if (text.find('\0') != std::string::npos) {
      out.problems.push_back(fmt::format("@{}: is a binary file", shown));
      continue;
    }
    auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) +
                 (text.empty() || text.ends_with('\n') ? 0 : 1);
    out.files.push_back({shown, text.size(), lines});
    if (!text.empty() && !text.ends_with('\n')) text.push_back('\n');
    blocks += fmt::format("\n\n<file path=\"{}\">\n{}</file>", shown, text);
  }
  out.text += blocks;
  return out;
}

std::vector<std::string> complete_workspace_path(const tools::Workspace& workspace,
                                                 std::string_view prefix) {
  std::vector<std::string> out;
  auto slash = prefix.rfind('/');
  std::string dir_part =
      slash == std::string_view::npos ? "" : std::string(prefix.substr(0, slash + 1));
  std::string stem(slash == std::string_view::npos ? prefix : prefix.substr(slash + 1));
  auto dir = workspace.resolve(dir_part.empty() ? "." : dir_part);
  if (!dir) return out;
  std::error_code ec;
  for (auto it = fs::directory_iterator(*dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!name.starts_with(stem)) continue;
    if (name.starts_with('.') && !stem.starts_with('.')) continue;
    bool is_dir = it->is_directory(ec);
    out.push_back(dir_part + name + (is_dir ? "/" : ""));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace agentry::cli::chat
