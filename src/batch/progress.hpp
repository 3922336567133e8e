#pragma once
/// Progress for people, on stderr. On a terminal, one live line redrawn in place:
///   batch 120/1000 · ok 110 · failed 5 · timeout 2 · error 3 · running 64 · 3.2/min · ETA 4m30s ·
///   $1.23 · 45.6k tok
/// with notices and failures printed above it. Elsewhere (CI logs, files), one plain line per
/// finished task and per notice, nothing redrawn.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

#include "batch/budget.hpp"
#include "batch/progress_sink.hpp"

namespace agentry::batch {

class Progress final : public ProgressSink {
 public:
  using Clock = std::chrono::steady_clock;

  /// `total`: the tasks this run means to start. `live`: redraw one line (a terminal).
  Progress(std::ostream& out, std::size_t total, bool live);
  ~Progress() override;
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void on_start(const BatchTask& task) override;
  void on_finish(const BatchTask& task, const nlohmann::json& record) override;
  void on_notice(std::string_view text) override;
  /// Ends the live line (called before the summary is printed).
  void close();

  /// The status line as it is now.
  std::string status_line() const;

 private:
  std::string status_line_locked(Clock::time_point now) const;
  void redraw_locked();
  void tick(std::stop_token stop);

  std::ostream& out_;
  std::size_t total_;
  bool live_;
  Clock::time_point started_ = Clock::now();
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::size_t running_ = 0;
  std::size_t finished_ = 0;
  std::size_t ok_ = 0, failed_ = 0, timeout_ = 0, error_ = 0;
  Spend spend_;
  bool closed_ = false;
  std::jthread ticker_;  ///< redraws the live line so rate and ETA move between finishes
};

/// "45.6k", "1.2M", "950".
std::string short_count(std::int64_t n);

}  // namespace agentry::batch
