#pragma once
/// The task file of `agentry batch`, in either of two forms:
///
/// YAML — a mapping with an optional `defaults:` mapping and a `tasks:` list (or just the list):
///     defaults: {agent: rust-pro, timeout: 10m, check: ["cargo clippy -- -D warnings"]}
///     tasks:
///       - {id: fix-a, prompt: "Fix the clippy warnings", cwd: crates/a}
/// JSONL — one task object per line, and optionally a first line {"defaults": {...}}.
///
/// Task fields: id, prompt, agent, cwd (relative to the task file), model, max_steps, effort
/// (low | medium | high | xhigh | max), timeout ("90s", "10m", "1h30m"), check (one command string,
/// or a list of strings and/or argv arrays). Defaults may set every field but id. The file is
/// validated whole before any work: every problem (unknown or mistyped field, duplicate id, missing
/// prompt, bad timeout, missing cwd) is listed with its line, and no task runs while there is one.
///
/// Bounds (TaskFileLimits): a file larger than max_bytes is not read, and one holding more than
/// max_tasks tasks (or, JSONL, more than max_json_values values; YAML has the budget of every YAML
/// document, core/yaml_load.hpp) is refused before any is validated; both are a problem of the
/// whole file. A
/// batch that big would take days; split it into several files or run it in shards.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "batch/task.hpp"
#include "core/error.hpp"

namespace agentry::batch {

struct TaskFileProblem {
  int line = 0;    ///< 1-based; 0 when the problem is the file as a whole
  int column = 0;  ///< 1-based; 0 when unknown
  std::string message;
};

enum class TaskFileFormat { kYaml, kJsonl };

struct TaskFileLimits {
  std::uint64_t max_bytes = 64ULL << 20;      ///< the file's size
  std::uint64_t max_yaml_bytes = 4ULL << 20;  ///< a YAML file's (yaml-cpp takes ~50x in memory)
  std::size_t max_tasks = 100'000;            ///< tasks in one file
  /// JSON values (keys included) in a JSONL file, all lines together: ~40 per task at most
  /// tasks, and a bound on memory a file of tiny values (`[0,0,…]`) cannot pass.
  std::uint64_t max_json_values = 4'000'000;
};

struct TaskFile {
  std::filesystem::path path;
  std::vector<BatchTask> tasks;           ///< in file order; empty when there are problems
  std::vector<TaskFileProblem> problems;  ///< in line order

  bool ok() const { return problems.empty(); }
  /// "path:line:col: message" for each problem.
  std::vector<std::string> problem_lines() const;
};

/// JSONL for .jsonl/.ndjson/.json, YAML for .yaml/.yml; otherwise JSONL when the first
/// non-blank character of `text` is '{'.
TaskFileFormat detect_format(const std::filesystem::path& path, std::string_view text);

/// Parses and validates `text` as the task file `path` (cwd entries resolve against its folder).
TaskFile parse_task_file(std::string_view text, const std::filesystem::path& path,
                         TaskFileFormat format, const TaskFileLimits& limits = {});

/// Reads `path` and parses it. An Error (kIo) only when it cannot be read; problems with its
/// content, and a file over the limits, are in TaskFile::problems.
[[nodiscard]] Result<TaskFile> load_task_file(const std::filesystem::path& path,
                                              const TaskFileLimits& limits = {});

}  // namespace agentry::batch
