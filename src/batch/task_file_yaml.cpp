// The YAML form of a task file, read with yaml-cpp into RawTaskFile with every key's line.
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "batch/raw_task.hpp"
#include "core/yaml_error.hpp"
#include "core/yaml_load.hpp"

namespace agentry::batch {

namespace {

using nlohmann::json;

SourcePos pos_of(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

bool is_integer(const std::string& s) {
  std::size_t start = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  return s.size() > start && s.size() - start <= 15 &&
         s.find_first_not_of("0123456789", start) == std::string::npos;
}

/// A plain scalar becomes the JSON type YAML 1.2's core schema gives it; a quoted one stays text.
json scalar_to_json(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() != "?") return text;
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
    return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (is_integer(text)) return std::stoll(text);
  return text;
}

json to_json_value(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return scalar_to_json(node);
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node)
        out.push_back(to_json_value(item));
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node)
        out[kv.first.as<std::string>()] = to_json_value(kv.second);
      return out;
    }
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return nullptr;
}

void add_problem(RawTaskFile& out, SourcePos pos, std::string message) {
  out.problems.push_back({pos.line, pos.column, std::move(message)});
}

/// One task (or the defaults) from a mapping node.
std::optional<RawTask> read_task(const YAML::Node& node, const char* what, RawTaskFile& out) {
  if (!node.IsMap()) {
    add_problem(out, pos_of(node), fmt::format("{} must be a mapping of fields", what));
    return std::nullopt;
  }
  RawTask task;
  task.pos = pos_of(node);
  std::set<std::string> seen;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) {
      add_problem(out, pos_of(kv.first), "a field name must be plain text");
      continue;
    }
    RawField field;
    field.name = kv.first.Scalar();
    field.pos = pos_of(kv.first);
    if (!seen.insert(field.name).second) {
      add_problem(out, field.pos, fmt::format("field \"{}\" is given twice", field.name));
      continue;
    }
    field.value = to_json_value(kv.second);
    if (kv.second.IsSequence()) {
      for (const auto& item : kv.second)
        field.items.push_back(pos_of(item));
    }
    task.fields.push_back(std::move(field));
  }
  return task;
}

void read_task_list(const YAML::Node& list, RawTaskFile& out) {
  for (const auto& item : list) {
    if (auto task = read_task(item, "a task", out)) out.tasks.push_back(std::move(*task));
  }
}

}  // namespace

RawTaskFile read_yaml_tasks(std::string_view text) {
  RawTaskFile out;
  YAML::Node root;
  try {
    root = load_yaml(std::string(text));
  } catch (const YAML::Exception& e) {
    add_problem(out, {e.mark.line + 1, e.mark.column + 1},
                fmt::format("not valid YAML: {}", yaml_error_message(e)));
    return out;
  }
  if (root.IsSequence()) {
    read_task_list(root, out);
    return out;
  }
  if (!root.IsMap()) {
    add_problem(out, pos_of(root),
                "a task file is a mapping with `tasks:` (and optional `defaults:`), or a list "
                "of tasks");
    return out;
  }
  bool has_tasks = false;
  for (const auto& kv : root) {
    std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    if (key == "defaults") {
      out.defaults = read_task(kv.second, "`defaults`", out);
    } else if (key == "tasks") {
      has_tasks = true;
      if (!kv.second.IsSequence()) {
        add_problem(out, pos_of(kv.second), "`tasks` must be a list of tasks");
        continue;
      }
      read_task_list(kv.second, out);
    } else {
      add_problem(
          out, pos_of(kv.first),
          fmt::format("unknown top-level key \"{}\" (expected `defaults` and `tasks`)", key));
    }
  }
  if (!has_tasks) add_problem(out, {1, 0}, "no `tasks:` list");
  return out;
}

}  // namespace agentry::batch
