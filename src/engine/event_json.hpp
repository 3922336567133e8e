#pragma once
/// The public, versioned JSON forms of engine events and run results: `run --output-format
/// stream-json` (one event per line), `run --output-format json`, batch results and MCP
/// structured content all use these. The schema is documented in README.md ("stream-json").
/// It is a contract for other programs: add fields freely, never rename or remove one.
#include <nlohmann/json.hpp>

#include "engine/engine.hpp"
#include "engine/events.hpp"

namespace agentry::engine {

inline constexpr int kStreamSchemaVersion = 1;

/// One stream-json line for `event` (without the newline).
nlohmann::json event_to_json(const engine::Event& event);

/// The `result` object: result, is_error, session_id, num_turns, usage, total_cost_usd,
/// duration_ms, tool_calls, agent, stop_reason.
nlohmann::json result_to_json(const engine::RunResult& result);

/// The `result` object of a run that failed before or while working.
nlohmann::json error_result_to_json(const Error& error, const std::string& session_id,
                                    std::int64_t duration_ms);

nlohmann::json error_to_json(const Error& error);

}  // namespace agentry::engine
