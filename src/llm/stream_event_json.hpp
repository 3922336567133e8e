#pragma once
/// The JSON object of one SSE event of a stream whose every event is an object (Anthropic
/// Messages, OpenAI Responses).
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "llm/sse_parser.hpp"

namespace agentry::llm {

/// The event's data parsed: kLimit when it nests too deep (refused unparsed), a retryable kParse
/// error when it is not a JSON object.
[[nodiscard]] Result<nlohmann::json> stream_event_json(const SseEvent& event);

}  // namespace agentry::llm
