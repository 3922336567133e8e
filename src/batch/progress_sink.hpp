#pragma once
/// What the scheduler tells about a batch as it goes; progress.hpp renders it for people.
/// Called from worker threads: implementations are thread-safe.
#include <string_view>

#include <nlohmann/json.hpp>

#include "batch/task.hpp"

namespace agentry::batch {

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void on_start(const BatchTask& task) = 0;
  /// `record` is the result line just made durable.
  virtual void on_finish(const BatchTask& task, const nlohmann::json& record) = 0;
  /// Something worth a line of its own: a rate-limit back-off, the budget reached.
  virtual void on_notice(std::string_view text) = 0;
};

}  // namespace agentry::batch
