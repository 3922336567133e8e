#include "llm/provider.hpp"

namespace agentry::llm {

const char* to_string(FinishReason reason) {
  switch (reason) {
    case FinishReason::kStop:
      return "stop";
    case FinishReason::kToolCalls:
      return "tool_calls";
    case FinishReason::kLength:
      return "length";
    case FinishReason::kContentFilter:
      return "content_filter";
    case FinishReason::kError:
      return "error";
    case FinishReason::kUnknown:
      return "unknown";
  }
  return "unknown";
}

}  // namespace agentry::llm
