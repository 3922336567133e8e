#include "batch/task_file.hpp"

#include <fstream>

#include <fmt/format.h>

#include "batch/raw_task.hpp"

namespace agentry::batch {

namespace fs = std::filesystem;

std::vector<std::string> TaskFile::problem_lines() const {
  std::vector<std::string> lines;
  for (const auto& p : problems) {
    if (p.line == 0) {
      lines.push_back(fmt::format("{}: {}", path.string(), p.message));
    } else if (p.column == 0) {
      lines.push_back(fmt::format("{}:{}: {}", path.string(), p.line, p.message));
    } else {
      lines.push_back(fmt::format("{}:{}:{}: {}", path.string(), p.line, p.column, p.message));
    }
  }
  return lines;
}

TaskFileFormat detect_format(const fs::path& path, std::string_view text) {
  std::string ext = path.extension().string();
  if (ext == ".jsonl" || ext == ".ndjson" || ext == ".json") return TaskFileFormat::kJsonl;
  if (ext == ".yaml" || ext == ".yml") return TaskFileFormat::kYaml;
  auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '{' ? TaskFileFormat::kJsonl
                                                               : TaskFileFormat::kYaml;
}

namespace {

constexpr std::string_view kSplitHint =
    "split it into several files, or run parts of it with --shard";

/// Lines with something on them: the JSONL form's task count, known before any line is parsed.
std::size_t content_lines(std::string_view text) {
  std::size_t count = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (text.substr(start, end - start).find_first_not_of(" \t\r") != std::string_view::npos)
      ++count;
    start = end + 1;
  }
  return count;
}

/// A file refused whole: one problem, no tasks.
TaskFile refused(const fs::path& path, std::string message) {
  TaskFile out;
  out.path = path;
  out.problems.push_back({0, 0, std::move(message)});
  return out;
}

/// `count` says what was counted: "1000000 task lines", "11 tasks".
TaskFile too_many_tasks(const fs::path& path, const std::string& count,
                        const TaskFileLimits& limits) {
  return refused(path, fmt::format("the file has {}; a task file may hold at most {} tasks ({})",
                                   count, limits.max_tasks, kSplitHint));
}

}  // namespace

TaskFile parse_task_file(std::string_view text, const fs::path& path, TaskFileFormat format,
                         const TaskFileLimits& limits) {
  // JSONL lines are counted before parsing (a defaults line may be one more than the tasks).
  if (format == TaskFileFormat::kJsonl) {
    std::size_t lines = content_lines(text);
    if (lines > limits.max_tasks + 1)
      return too_many_tasks(path, fmt::format("{} task lines", lines), limits);
  }
  RawTaskFile raw = format == TaskFileFormat::kJsonl
                        ? read_jsonl_tasks(text, limits.max_json_values)
                        : read_yaml_tasks(text);
  if (raw.tasks.size() > limits.max_tasks)
    return too_many_tasks(path, fmt::format("{} tasks", raw.tasks.size()), limits);
  TaskFile out;
  out.path = path;
  fs::path base = fs::absolute(path).parent_path();
  validate_tasks(raw, base, out);
  return out;
}

Result<TaskFile> load_task_file(const fs::path& path, const TaskFileLimits& limits) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCode::kIo, "cannot read the task file", path.string(),
                "check the path; it is relative to the current directory");
  }
  auto too_large = [&](const std::string& size) {
    return refused(path, fmt::format("the file is {}; a task file may have at most {} bytes ({})",
                                     size, limits.max_bytes, kSplitHint));
  };
  // A regular file is measured before it is read; a pipe is cut once it passes the limit.
  std::error_code ec;
  std::uintmax_t size = fs::is_regular_file(path, ec) ? fs::file_size(path, ec) : 0;
  if (ec) size = 0;
  if (size > limits.max_bytes) return too_large(fmt::format("{} bytes", size));
  std::string text;
  text.reserve(static_cast<std::size_t>(size));
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (text.size() > limits.max_bytes) return too_large(fmt::format("{}+ bytes", text.size()));
  }
  TaskFileFormat format = detect_format(path, text);
  if (format == TaskFileFormat::kYaml && text.size() > limits.max_yaml_bytes) {
    return refused(path,
                   fmt::format("the file is {} bytes of YAML; a YAML task file may have at most {} "
                               "bytes (write it as JSONL, one task per line, or split it)",
                               text.size(), limits.max_yaml_bytes));
  }
  return parse_task_file(text, path, format, limits);
}

}  // namespace agentry::batch
