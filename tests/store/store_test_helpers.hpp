#pragma once
/// Shared by the store tests: a clock the test moves by hand, and sample conversation turns.
#include <chrono>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "store/session_store.hpp"

namespace agentry::store {

/// So that failed CHECKs print the values.
inline std::ostream& operator<<(std::ostream& out, const UsageTotals& u) {
  out << "{in " << u.tokens.input_tokens << ", out " << u.tokens.output_tokens << ", cache_read "
      << u.tokens.cache_read_tokens << ", cache_write " << u.tokens.cache_write_tokens << ", cost ";
  if (u.cost_usd) {
    out << *u.cost_usd;
  } else {
    out << "null";
  }
  return out << ", turns " << u.turns << ", unpriced " << u.unpriced_turns << ", sessions "
             << u.sessions << "}";
}

}  // namespace agentry::store

namespace agentry::store::test {

/// A clock standing still until the test moves it; copies share the time.
struct ManualClock {
  std::shared_ptr<std::chrono::system_clock::time_point> now =
      std::make_shared<std::chrono::system_clock::time_point>(
          std::chrono::milliseconds(1700000000000));
  void advance(std::chrono::milliseconds by) const { *now += by; }
  std::int64_t ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now->time_since_epoch()).count();
  }
  std::function<std::chrono::system_clock::time_point()> function() const {
    return [now = now] { return *now; };
  }
};

inline SessionStore open_store(const std::filesystem::path& path, const ManualClock& clock) {
  StoreOptions options;
  options.clock = clock.function();
  auto store = SessionStore::open(path, options);
  REQUIRE_MESSAGE(store, (store ? "" : store.error().to_string()));
  return std::move(*store);
}

inline NewSession new_session(std::string cwd = "/work/crate", std::string task = "Fix clippy") {
  NewSession s;
  s.agent = "rust-pro";
  s.model = "gpt-test";
  s.provider = "fake";
  s.cwd = std::move(cwd);
  s.task = std::move(task);
  return s;
}

/// One model turn: the assistant calls a tool, the tool answers.
inline std::vector<Message> tool_turn(const std::string& tag) {
  ToolCall call{"call_" + tag, "cargo_clippy", nlohmann::json{{"args", {"--", "-D", "warnings"}}},
                ""};
  ToolResult result{"call_" + tag, "cargo_clippy", "warning: unused variable `x` (" + tag + ")",
                    true};
  return {Message::assistant("Running clippy " + tag, {call}), Message::tool({result})};
}

}  // namespace agentry::store::test
