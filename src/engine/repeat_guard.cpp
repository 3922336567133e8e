#include "engine/repeat_guard.hpp"

namespace agentry::engine {

RepeatGuard::Verdict RepeatGuard::check(const ToolCall& call) {
  // json::dump sorts object keys, so argument order does not hide a repeat.
  std::string key = call.name + '\0' + call.arguments.dump();
  count_ = key == last_ ? count_ + 1 : 1;
  last_ = std::move(key);
  if (count_ < limit_) return Verdict::kRun;
  return count_ == limit_ ? Verdict::kRefuse : Verdict::kStop;
}

}  // namespace agentry::engine
