#pragma once
/// The task file as read, before validation: each task (and the defaults) a list of fields with
/// their JSON values and where they were written. Both readers (YAML, JSONL) produce this, so
/// that one validator checks both forms the same way.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "batch/task_file.hpp"

namespace agentry::batch {

struct SourcePos {
  int line = 0;
  int column = 0;
};

struct RawField {
  std::string name;
  nlohmann::json value;
  SourcePos pos;                 ///< where the key is
  std::vector<SourcePos> items;  ///< for a list value: where each element is (YAML only)
};

struct RawTask {
  SourcePos pos;
  std::vector<RawField> fields;
};

struct RawTaskFile {
  std::optional<RawTask> defaults;
  std::vector<RawTask> tasks;
  std::vector<TaskFileProblem> problems;  ///< syntax and shape problems found while reading
};

RawTaskFile read_yaml_tasks(std::string_view text);
RawTaskFile read_jsonl_tasks(std::string_view text, std::uint64_t max_values);

/// Checks every field of `raw` and builds the tasks; `base_dir` is the task file's folder.
void validate_tasks(const RawTaskFile& raw, const std::filesystem::path& base_dir, TaskFile& out);

}  // namespace agentry::batch
