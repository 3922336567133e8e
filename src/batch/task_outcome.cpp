#include "batch/task_outcome.hpp"

#include <ctime>

#include <fmt/format.h>

#include "engine/event_json.hpp"

namespace agentry::batch {

using nlohmann::json;

const char* to_string(TaskStatus status) {
  switch (status) {
    case TaskStatus::kOk:
      return "ok";
    case TaskStatus::kFailed:
      return "failed";
    case TaskStatus::kTimeout:
      return "timeout";
    case TaskStatus::kError:
      return "error";
  }
  return "error";
}

std::optional<TaskStatus> parse_status(std::string_view text) {
  for (auto s : {TaskStatus::kOk, TaskStatus::kFailed, TaskStatus::kTimeout, TaskStatus::kError}) {
    if (text == to_string(s)) return s;
  }
  return std::nullopt;
}

TaskStatus record_status(const json& record) {
  auto it = record.find("status");
  if (it == record.end() || !it->is_string()) return TaskStatus::kError;
  return parse_status(it->get<std::string>()).value_or(TaskStatus::kError);
}

bool ended_outside_the_task(const json& record) {
  if (record_status(record) != TaskStatus::kError) return false;
  auto error = record.find("error");
  if (error == record.end() || !error->is_object()) return false;
  std::string code = error->value("code", "");
  for (auto outside :
       {ErrorCode::kConfig, ErrorCode::kNetwork, ErrorCode::kAuth, ErrorCode::kRateLimited}) {
    if (code == to_string(outside)) return true;
  }
  // 5xx and the like; a 400 may be the task's own request (a context too long).
  return code == to_string(ErrorCode::kHttp) && error->value("retryable", false);
}

std::string utc_timestamp(std::chrono::system_clock::time_point when) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

json make_record(const BatchTask& task, const TaskOutcome& outcome, std::string_view finished_at,
                 std::string_view shard) {
  json record{{"id", task.id}, {"task_hash", task.hash}, {"status", to_string(outcome.status)}};
  if (outcome.run) {
    // The same public forms `run --output-format json` prints.
    json run = engine::result_to_json(*outcome.run);
    record["agent"] = run["agent"];
    record["result"] = run["result"];
    record["session_id"] = run["session_id"];
    record["num_turns"] = run["num_turns"];
    record["stop_reason"] = run["stop_reason"];
    record["usage"] = run["usage"];
    record["cost_usd"] = run["total_cost_usd"];
  } else {
    std::string agent = outcome.agent.empty() ? task.agent : outcome.agent;
    record["agent"] = agent.empty() ? json(nullptr) : json(agent);
    record["result"] = "";
    record["session_id"] = outcome.session_id.empty() ? json(nullptr) : json(outcome.session_id);
    record["num_turns"] = outcome.num_turns;
    record["stop_reason"] = outcome.status == TaskStatus::kTimeout ? "timeout" : "error";
    record["usage"] = outcome.usage;
    record["cost_usd"] = outcome.cost_usd ? json(*outcome.cost_usd) : json(nullptr);
  }
  record["check"] = outcome.check ? outcome.check->to_json() : json(nullptr);
  record["duration_ms"] = outcome.duration.count();
  record["cwd"] = task.cwd_as_written;
  record["finished_at"] = std::string(finished_at);
  if (!shard.empty()) record["shard"] = std::string(shard);
  if (!outcome.workspace.empty()) record["workspace"] = outcome.workspace;
  if (outcome.error) record["error"] = engine::error_to_json(*outcome.error);
  return record;
}

}  // namespace agentry::batch
