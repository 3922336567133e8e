#include "cli/mcp/progress.hpp"

#include <fmt/format.h>

#include "cli/event_printer.hpp"

namespace agentry::cli::mcp {

namespace {

constexpr std::size_t kMaxArguments = 120;

/// "cargo_check {"package":"demo"}", arguments cut to a glance.
std::string describe(const ToolCall& call) {
  std::string args =
      call.arguments.is_null()
          ? call.raw_arguments
          : call.arguments.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (args.empty() || args == "{}") return call.name;
  if (args.size() > kMaxArguments) args = args.substr(0, kMaxArguments) + "...";
  return fmt::format("{} {}", call.name, args);
}

}  // namespace

void ProgressReporter::on_event(const engine::Event& event) {
  if (token_.is_null()) return;
  // Exhaustive: a new event type fails to compile here until it is mapped (or skipped) for MCP.
  struct Visitor {
    ProgressReporter& self;
    void operator()(const engine::TurnStarted&) const {}
    void operator()(const engine::TextDelta&) const {}
    void operator()(const engine::ThinkingDelta&) const {}
    void operator()(const engine::ToolCallStarted& e) const {
      self.send(fmt::format("{}: {}", e.origin.agent, describe(e.call)));
    }
    void operator()(const engine::ToolCallProgress& e) const {
      self.send(fmt::format("{}: {}", e.origin.agent, describe_progress(e)));
    }
    void operator()(const engine::ToolCallFinished& e) const {
      self.send(fmt::format("{}: {} {} in {} ms", e.origin.agent, e.call.name,
                            e.result.is_error ? "failed" : "done", e.duration_ms));
    }
    void operator()(const engine::UsageUpdated&) const {}
    void operator()(const engine::SubagentStarted& e) const {
      self.send(
          fmt::format("{} delegated to {}: {}", e.origin.agent, e.child_agent, e.description));
    }
    void operator()(const engine::SubagentFinished& e) const {
      self.send(fmt::format("{} {}", e.child_agent, e.ok ? "finished" : "failed"));
    }
    void operator()(const engine::ContextCompacted& e) const {
      self.send(fmt::format("{}: {}", e.origin.agent, describe_compaction(e)));
    }
    void operator()(const engine::HookRan&) const {}
    void operator()(const engine::Done&) const {}
    void operator()(const engine::ErrorOccurred&) const {}
  };
  std::visit(Visitor{*this}, event);
}

void ProgressReporter::send(std::string message) {
  std::lock_guard lock(mutex_);
  if (closed_ || stop_.stop_requested()) return;
  ++progress_;
  writer_.send(make_notification(
      "notifications/progress",
      {{"progressToken", token_}, {"progress", progress_}, {"message", std::move(message)}}));
}

void ProgressReporter::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
}

std::int64_t ProgressReporter::sent() const {
  std::lock_guard lock(mutex_);
  return progress_;
}

}  // namespace agentry::cli::mcp
