// The JSONL form of a task file: one task object per line, an optional {"defaults": {...}} first.
#include <fmt/format.h>

#include "batch/raw_task.hpp"
#include "core/json_depth.hpp"

namespace agentry::batch {

namespace {

using nlohmann::json;

RawTask to_raw(const json& object, int line) {
  RawTask task;
  task.pos = {line, 0};
  for (const auto& [key, value] : object.items())
    task.fields.push_back({key, value, {line, 0}, {}});
  return task;
}

}  // namespace

RawTaskFile read_jsonl_tasks(std::string_view text, std::uint64_t max_values) {
  RawTaskFile out;
  std::uint64_t values = 0;
  // Counts every value and key as it is parsed, and stops the parse past the budget.
  struct OverBudget {};
  json::parser_callback_t count = [&](int, json::parse_event_t event, json&) {
    if (event != json::parse_event_t::object_end && event != json::parse_event_t::array_end &&
        ++values > max_values)
      throw OverBudget{};
    return true;
  };
  int line_number = 0;
  bool seen_content = false;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;

    if (json_too_deep(line)) {
      out.problems.push_back({line_number, 0, json_too_deep_message() + ": a task is flat fields"});
      seen_content = true;
      continue;
    }
    json value;
    try {
      value = json::parse(line, count);
    } catch (const OverBudget&) {
      out.problems.push_back(
          {line_number, 0,
           fmt::format("the file holds more than {} JSON values (keys included), the most a task "
                       "file may have: split it",
                       max_values)});
      return out;
    } catch (const json::parse_error& e) {
      out.problems.push_back(
          {line_number, static_cast<int>(e.byte), fmt::format("not valid JSON: {}", e.what())});
      seen_content = true;
      continue;
    } catch (const json::exception& e) {  // out_of_range: a number such as 1e400
      out.problems.push_back({line_number, 0, fmt::format("not valid JSON: {}", e.what())});
      seen_content = true;
      continue;
    }
    if (!value.is_object()) {
      out.problems.push_back({line_number, 1, "each line must be one JSON object (a task)"});
      seen_content = true;
      continue;
    }
    if (value.contains("defaults")) {
      if (seen_content) {
        out.problems.push_back(
            {line_number, 1, "{\"defaults\": ...} may only be the first line of the file"});
      } else if (value.size() != 1 || !value["defaults"].is_object()) {
        out.problems.push_back(
            {line_number, 1, "the defaults line must be exactly {\"defaults\": {...fields}}"});
      } else {
        out.defaults = to_raw(value["defaults"], line_number);
      }
      seen_content = true;
      continue;
    }
    seen_content = true;
    out.tasks.push_back(to_raw(value, line_number));
  }
  return out;
}

}  // namespace agentry::batch
