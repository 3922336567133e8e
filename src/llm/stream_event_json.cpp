#include "llm/stream_event_json.hpp"

#include <fmt/format.h>

#include "core/json_depth.hpp"
#include "core/text.hpp"
#include "llm/error_body.hpp"

namespace agentry::llm {

Result<nlohmann::json> stream_event_json(const SseEvent& event) {
  if (json_too_deep(event.data)) {
    return tl::make_unexpected(payload_too_deep(fmt::format("stream event '{}'", event.type)));
  }
  auto data = nlohmann::json::parse(event.data.begin(), event.data.end(), nullptr, false);
  if (data.is_discarded() || !data.is_object()) {
    Error error(ErrorCode::kParse,
                fmt::format("malformed stream event '{}': {}", event.type, excerpt(event.data)));
    error.retryable = true;
    return tl::make_unexpected(std::move(error));
  }
  return data;
}

}  // namespace agentry::llm
