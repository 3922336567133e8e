#include "engine/event_json.hpp"

namespace agentry::engine {

using nlohmann::json;

namespace {

json origin_fields(const engine::Origin& o, const char* type) {
  return json{{"type", type}, {"session_id", o.session_id}, {"agent", o.agent}, {"depth", o.depth}};
}

json cost_or_null(const std::optional<double>& cost) {
  return cost ? json(*cost) : json(nullptr);
}

json tool_call_json(const ToolCall& call) {
  json j{{"id", call.id}, {"name", call.name}, {"arguments", call.arguments}};
  if (!call.raw_arguments.empty() && call.arguments.is_null())
    j["raw_arguments"] = call.raw_arguments;
  return j;
}

}  // namespace

json error_to_json(const Error& error) {
  json j{{"code", to_string(error.code)}, {"message", error.message}};
  if (!error.where.empty()) j["where"] = error.where;
  if (!error.hint.empty()) j["hint"] = error.hint;
  j["retryable"] = error.retryable;
  if (error.code == ErrorCode::kContextOverflow &&
      (error.overflow.limit > 0 || error.overflow.prompt > 0)) {
    j["overflow"] = {{"limit", error.overflow.limit}, {"prompt", error.overflow.prompt}};
  }
  return j;
}

json event_to_json(const engine::Event& event) {
  // Exhaustive: a new event type fails to compile here until it has a public form.
  struct Visitor {
    json operator()(const engine::TurnStarted& e) const {
      auto j = origin_fields(e.origin, "turn.started");
      j["turn"] = e.turn;
      return j;
    }
    json operator()(const engine::TextDelta& e) const {
      auto j = origin_fields(e.origin, "text.delta");
      j["text"] = e.text;
      return j;
    }
    json operator()(const engine::ThinkingDelta& e) const {
      auto j = origin_fields(e.origin, "thinking.delta");
      j["text"] = e.text;
      return j;
    }
    json operator()(const engine::ToolCallStarted& e) const {
      auto j = origin_fields(e.origin, "tool.started");
      j["call"] = tool_call_json(e.call);
      return j;
    }
    json operator()(const engine::ToolCallProgress& e) const {
      auto j = origin_fields(e.origin, "tool.progress");
      j["call_id"] = e.call_id;
      j["progress"] = e.progress;
      j["total"] = e.total ? json(*e.total) : json(nullptr);
      j["message"] = e.message;
      return j;
    }
    json operator()(const engine::ToolCallFinished& e) const {
      auto j = origin_fields(e.origin, "tool.finished");
      j["call"] = tool_call_json(e.call);
      j["is_error"] = e.result.is_error;
      j["content"] = e.result.content;
      j["duration_ms"] = e.duration_ms;
      return j;
    }
    json operator()(const engine::UsageUpdated& e) const {
      auto j = origin_fields(e.origin, "usage");
      j["turn"] = e.turn;
      j["total"] = e.total;
      j["cost_usd"] = cost_or_null(e.cost_usd);
      return j;
    }
    json operator()(const engine::SubagentStarted& e) const {
      auto j = origin_fields(e.origin, "subagent.started");
      j["child_session_id"] = e.child_session_id;
      j["child_agent"] = e.child_agent;
      j["description"] = e.description;
      return j;
    }
    json operator()(const engine::SubagentFinished& e) const {
      auto j = origin_fields(e.origin, "subagent.finished");
      j["child_session_id"] = e.child_session_id;
      j["child_agent"] = e.child_agent;
      j["ok"] = e.ok;
      return j;
    }
    json operator()(const engine::ContextCompacted& e) const {
      auto j = origin_fields(e.origin, "context.compacted");
      j.update(json{
          {"tokens_before", e.tokens_before}, {"tokens_after", e.tokens_after}, {"how", e.how}});
      return j;
    }
    json operator()(const engine::HookRan& e) const {
      auto j = origin_fields(e.origin, "hook");
      j.update(json{{"event", e.event},
                    {"command", e.command},
                    {"exit", e.exit_code},
                    {"blocked", e.blocked},
                    {"timed_out", e.timed_out}});
      return j;
    }
    json operator()(const engine::Done& e) const {
      auto j = origin_fields(e.origin, "agent.done");
      j["stop_reason"] = engine::to_string(e.reason);
      j["result"] = e.result;
      return j;
    }
    json operator()(const engine::ErrorOccurred& e) const {
      auto j = origin_fields(e.origin, "error");
      j["error"] = error_to_json(e.error);
      return j;
    }
  };
  return std::visit(Visitor{}, event);
}

json result_to_json(const engine::RunResult& r) {
  json calls = json::array();
  for (const auto& c : r.tool_calls) {
    calls.push_back({{"session_id", c.session_id},
                     {"agent", c.agent},
                     {"id", c.call.id},
                     {"name", c.call.name},
                     {"arguments", c.call.arguments},
                     {"is_error", c.result.is_error},
                     {"duration_ms", c.duration_ms}});
  }
  bool is_error = r.reason == engine::StopReason::kError ||
                  r.reason == engine::StopReason::kCancelled ||
                  r.reason == engine::StopReason::kLoopDetected;
  return json{{"type", "result"},
              {"schema_version", kStreamSchemaVersion},
              {"result", r.result},
              {"is_error", is_error},
              {"stop_reason", engine::to_string(r.reason)},
              {"session_id", r.session_id},
              {"agent", r.agent},
              {"num_turns", r.num_turns},
              {"usage", r.usage},
              {"total_cost_usd", cost_or_null(r.cost_usd)},
              {"duration_ms", r.duration.count()},
              {"tool_calls", calls}};
}

json error_result_to_json(const Error& error, const std::string& session_id,
                          std::int64_t duration_ms) {
  return json{{"type", "result"},
              {"schema_version", kStreamSchemaVersion},
              {"result", error.to_string()},
              {"is_error", true},
              {"stop_reason", error.code == ErrorCode::kCancelled ? "cancelled" : "error"},
              {"session_id", session_id.empty() ? json(nullptr) : json(session_id)},
              {"num_turns", 0},
              {"usage", Usage{}},
              {"total_cost_usd", nullptr},
              {"duration_ms", duration_ms},
              {"tool_calls", json::array()},
              {"error", error_to_json(error)}};
}

}  // namespace agentry::engine
