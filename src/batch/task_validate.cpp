// Validation of a read task file: every field of every task checked, all problems collected.
#include <algorithm>
#include <map>
#include <system_error>

#include <fmt/format.h>

#include "batch/duration.hpp"
#include "batch/raw_task.hpp"
#include "core/command_split.hpp"
#include "core/edit_distance.hpp"
#include "core/effort.hpp"
#include "store/batch_journal.hpp"

namespace agentry::batch {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::string_view kFields[] = {"id",        "prompt",  "agent", "cwd",   "model",
                                        "max_steps", "timeout", "check", "effort"};

/// A value quoted in a problem. YAML text is not checked for UTF-8, so a strict dump could throw.
std::string quoted(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

/// A task's or the defaults' fields, each set only when given and valid.
struct Fields {
  std::optional<std::string> id;
  std::optional<std::string> prompt;
  std::optional<std::string> agent;
  std::optional<std::string> model;
  std::optional<int> max_steps;
  std::optional<std::string> effort;
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<std::vector<CheckCommand>> check;
  std::optional<std::string> cwd;  ///< as written, lexically normal
};

std::string unknown_field_message(const std::string& name) {
  std::string best;
  std::size_t best_distance = 3;
  for (auto known : kFields) {
    std::size_t d = edit_distance(name, known);
    if (d < best_distance) {
      best_distance = d;
      best = known;
    }
  }
  std::string message = fmt::format("unknown field \"{}\"", name);
  if (!best.empty()) return message + fmt::format(" (did you mean \"{}\"?)", best);
  return message + " (known: id, prompt, agent, cwd, model, max_steps, effort, timeout, check)";
}

class Validator {
 public:
  Validator(const fs::path& base_dir, std::vector<TaskFileProblem>& problems)
      : base_dir_(base_dir), problems_(problems) {}

  Fields read(const RawTask& raw, bool is_defaults) {
    Fields f;
    for (const auto& field : raw.fields) {
      const std::string& n = field.name;
      if (n == "id" && is_defaults) {
        problem(field.pos, "`id` cannot be a default: each task needs its own");
      } else if (n == "id") {
        f.id = read_id(field);
      } else if (n == "prompt") {
        f.prompt = read_text(field, false);
      } else if (n == "agent") {
        f.agent = read_text(field, true);
      } else if (n == "model") {
        f.model = read_text(field, true);
      } else if (n == "max_steps") {
        f.max_steps = read_max_steps(field);
      } else if (n == "effort") {
        f.effort = read_effort(field);
      } else if (n == "timeout") {
        f.timeout = read_timeout(field);
      } else if (n == "check") {
        f.check = read_check(field);
      } else if (n == "cwd") {
        f.cwd = read_cwd(field);
      } else {
        problem(field.pos, unknown_field_message(n));
      }
    }
    return f;
  }

  void problem(SourcePos pos, std::string message) {
    problems_.push_back({pos.line, pos.column, std::move(message)});
  }

 private:
  std::optional<std::string> read_id(const RawField& field) {
    std::string id;
    if (field.value.is_string()) {
      id = field.value.get<std::string>();
    } else if (field.value.is_number_integer()) {
      id = field.value.dump();
    } else {
      problem(field.pos, "`id` must be text");
      return std::nullopt;
    }
    if (id.empty() || std::any_of(id.begin(), id.end(), [](unsigned char c) { return c < 0x20; })) {
      problem(field.pos, "`id` must be non-empty text on one line");
      return std::nullopt;
    }
    return id;
  }

  std::optional<std::string> read_text(const RawField& field, bool may_be_empty) {
    if (!field.value.is_string()) {
      problem(field.pos, fmt::format("`{}` must be text", field.name));
      return std::nullopt;
    }
    auto text = field.value.get<std::string>();
    if (!may_be_empty && text.find_first_not_of(" \t\r\n") == std::string::npos) {
      problem(field.pos, fmt::format("`{}` is empty", field.name));
      return std::nullopt;
    }
    return text;
  }

  std::optional<int> read_max_steps(const RawField& field) {
    const json& v = field.value;
    if (v.is_number_integer() && v.get<long long>() >= 1 && v.get<long long>() <= 10'000)
      return static_cast<int>(v.get<long long>());
    problem(field.pos, "`max_steps` must be a whole number from 1 to 10000");
    return std::nullopt;
  }

  std::optional<std::string> read_effort(const RawField& field) {
    const json& v = field.value;
    if (v.is_string() && is_effort_level(v.get<std::string>())) return v.get<std::string>();
    problem(field.pos, fmt::format("`effort` must be {}, not {}", kEffortChoices, quoted(v)));
    return std::nullopt;
  }

  std::optional<std::chrono::milliseconds> read_timeout(const RawField& field) {
    const json& v = field.value;
    std::optional<std::chrono::milliseconds> parsed;
    if (v.is_string()) {
      parsed = parse_duration(v.get<std::string>());
    } else if (v.is_number_integer() && v.get<long long>() > 0) {
      parsed = parse_duration(std::to_string(v.get<long long>()));
    }
    if (!parsed) {
      problem(field.pos, fmt::format("bad timeout {}: write a duration such as \"90s\", \"10m\" "
                                     "or \"1h30m\" (at most a week)",
                                     quoted(v)));
    }
    return parsed;
  }

  std::optional<CheckCommand> read_command(const json& value, SourcePos pos) {
    if (value.is_string()) {
      std::string why;
      auto argv = split_command(value.get<std::string>(), why);
      if (!argv) problem(pos, fmt::format("bad check command {}: {}", quoted(value), why));
      return argv;
    }
    if (value.is_array() && !value.empty() &&
        std::all_of(value.begin(), value.end(), [](const json& w) { return w.is_string(); })) {
      CheckCommand argv;
      for (const auto& w : value)
        argv.push_back(w.get<std::string>());
      if (!argv[0].empty()) return argv;
    }
    problem(pos, "a check command is a string or a non-empty list of strings (an argv)");
    return std::nullopt;
  }

  std::optional<std::vector<CheckCommand>> read_check(const RawField& field) {
    const json& v = field.value;
    std::vector<CheckCommand> commands;
    if (v.is_null()) return commands;
    if (v.is_string()) {
      auto argv = read_command(v, field.pos);
      if (!argv) return std::nullopt;
      commands.push_back(std::move(*argv));
      return commands;
    }
    if (!v.is_array()) {
      problem(field.pos, "`check` must be a command string or a list of commands");
      return std::nullopt;
    }
    bool ok = true;
    for (std::size_t i = 0; i < v.size(); ++i) {
      SourcePos pos = i < field.items.size() ? field.items[i] : field.pos;
      auto argv = read_command(v[i], pos);
      if (argv) {
        commands.push_back(std::move(*argv));
      } else {
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return commands;
  }

  std::optional<std::string> read_cwd(const RawField& field) {
    auto text = read_text(field, false);
    if (!text) return std::nullopt;
    fs::path written = fs::path(*text).lexically_normal();
    std::string normal = written.generic_string();
    while (normal.size() > 1 && normal.back() == '/')
      normal.pop_back();
    std::error_code ec;
    fs::path full = (base_dir_ / written).lexically_normal();
    if (!fs::is_directory(full, ec)) {
      problem(field.pos, fmt::format("cwd \"{}\" is not a directory ({} does not exist or is not "
                                     "a folder; cwd is relative to the task file)",
                                     *text, full.string()));
      return std::nullopt;
    }
    return normal;
  }

  const fs::path& base_dir_;
  std::vector<TaskFileProblem>& problems_;
};

fs::path without_trailing_slash(const fs::path& path) {
  std::string text = path.string();
  while (text.size() > 1 && text.back() == '/')
    text.pop_back();
  return text;
}

template <class T>
const std::optional<T>& pick(const std::optional<T>& own, const std::optional<T>& fallback) {
  return own ? own : fallback;
}

json definition_of(const BatchTask& t) {
  json d{{"id", t.id}, {"prompt", t.prompt}, {"cwd", t.cwd_as_written}};
  if (!t.agent.empty()) d["agent"] = t.agent;
  if (!t.model.empty()) d["model"] = t.model;
  if (t.max_steps) d["max_steps"] = *t.max_steps;
  if (!t.effort.empty()) d["effort"] = t.effort;
  if (t.timeout) d["timeout_ms"] = t.timeout->count();
  if (!t.check.empty()) d["check"] = t.check;
  return d;
}

}  // namespace

void validate_tasks(const RawTaskFile& raw, const fs::path& base_dir, TaskFile& out) {
  out.problems.insert(out.problems.end(), raw.problems.begin(), raw.problems.end());
  Validator v(base_dir, out.problems);
  Fields defaults;
  if (raw.defaults) defaults = v.read(*raw.defaults, true);

  std::map<std::string, int> first_line;
  std::vector<BatchTask> tasks;
  for (const auto& raw_task : raw.tasks) {
    std::size_t before = out.problems.size();
    // The task's own problems (no id, no prompt, a duplicate) come before its fields' problems.
    std::vector<TaskFileProblem> field_problems;
    Validator fields(base_dir, field_problems);
    Fields own = fields.read(raw_task, false);
    bool has_id_field = std::any_of(raw_task.fields.begin(), raw_task.fields.end(),
                                    [](const RawField& f) { return f.name == "id"; });
    bool has_prompt_field = std::any_of(raw_task.fields.begin(), raw_task.fields.end(),
                                        [](const RawField& f) { return f.name == "prompt"; });
    std::string label = own.id ? fmt::format("task \"{}\"", *own.id) : std::string("a task");
    if (!has_id_field) v.problem(raw_task.pos, "a task has no `id`");
    if (!has_prompt_field && !defaults.prompt) {
      v.problem(raw_task.pos, fmt::format("{} has no `prompt` (and `defaults` gives none)", label));
    }
    if (own.id) {
      auto [it, inserted] = first_line.emplace(*own.id, raw_task.pos.line);
      if (!inserted) {
        v.problem(raw_task.pos,
                  fmt::format("duplicate id \"{}\" (first used on line {})", *own.id, it->second));
      }
    }
    out.problems.insert(out.problems.end(), field_problems.begin(), field_problems.end());
    if (out.problems.size() != before || !own.id) continue;

    BatchTask t;
    t.id = *own.id;
    t.prompt = *pick(own.prompt, defaults.prompt);
    t.agent = pick(own.agent, defaults.agent).value_or("");
    t.model = pick(own.model, defaults.model).value_or("");
    t.max_steps = pick(own.max_steps, defaults.max_steps);
    t.effort = pick(own.effort, defaults.effort).value_or("");
    t.timeout = pick(own.timeout, defaults.timeout);
    t.check = pick(own.check, defaults.check).value_or(std::vector<CheckCommand>{});
    t.cwd_as_written = pick(own.cwd, defaults.cwd).value_or(".");
    t.cwd = without_trailing_slash((base_dir / t.cwd_as_written).lexically_normal());
    t.index = tasks.size();
    t.line = raw_task.pos.line;
    t.definition = definition_of(t);
    t.hash = store::task_hash(t.definition);
    tasks.push_back(std::move(t));
  }
  if (raw.tasks.empty() && raw.problems.empty()) out.problems.push_back({0, 0, "no tasks"});

  std::stable_sort(out.problems.begin(), out.problems.end(),
                   [](const TaskFileProblem& a, const TaskFileProblem& b) {
                     return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                   });
  if (out.problems.empty()) out.tasks = std::move(tasks);
}

}  // namespace agentry::batch
