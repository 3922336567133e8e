#include "cli/batch/task_file.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "cli/batch/raw_task.hpp"

namespace agentry::cli::batch {

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

TaskFile parse_task_file(std::string_view text, const fs::path& path, TaskFileFormat format) {
  TaskFile out;
  out.path = path;
  RawTaskFile raw =
      format == TaskFileFormat::kJsonl ? read_jsonl_tasks(text) : read_yaml_tasks(text);
  fs::path base = fs::absolute(path).parent_path();
  validate_tasks(raw, base, out);
  return out;
}

Result<TaskFile> load_task_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCode::kIo, "cannot read the task file", path.string(),
                "check the path; it is relative to the current directory");
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  return parse_task_file(text, path, detect_format(path, text));
}

}  // namespace agentry::cli::batch
