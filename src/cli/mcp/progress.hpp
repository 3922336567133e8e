#pragma once
/// Turns the engine's events of one tool call into MCP `notifications/progress` messages for the
/// request's `_meta.progressToken`: one when a tool call (of the agent or of any subagent under
/// it) starts or finishes, and when a subagent starts or finishes. `progress` counts up by one,
/// so it increases with every notification as the spec requires; there is no `total`.
#include <cstdint>
#include <mutex>
#include <stop_token>

#include <nlohmann/json.hpp>

#include "engine/events.hpp"
#include "mcpclient/jsonrpc.hpp"

namespace agentry::cli::mcp {

using namespace mcpclient::jsonrpc;  // NOLINT: the protocol's vocabulary, shared with the client

class ProgressReporter final : public engine::EventSink {
 public:
  /// `token` null: the client asked for no progress, and nothing is sent. Nothing is sent either
  /// once `stop` is requested (the call was cancelled).
  ProgressReporter(MessageWriter& writer, nlohmann::json token, std::stop_token stop)
      : writer_(writer), token_(std::move(token)), stop_(std::move(stop)) {}

  void on_event(const engine::Event& event) override;
  /// No notification after this: the response is about to be sent.
  void close();
  /// Notifications sent so far.
  std::int64_t sent() const;

 private:
  void send(std::string message);

  MessageWriter& writer_;
  nlohmann::json token_;
  std::stop_token stop_;
  mutable std::mutex mutex_;  // orders notifications so `progress` reaches the client increasing
  std::int64_t progress_ = 0;
  bool closed_ = false;
};

}  // namespace agentry::cli::mcp
