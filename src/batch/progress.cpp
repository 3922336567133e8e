#include "batch/progress.hpp"

#include <fmt/format.h>

#include "batch/duration.hpp"
#include "batch/task_outcome.hpp"
#include "core/terminal_text.hpp"

namespace agentry::batch {

std::string short_count(std::int64_t n) {
  if (n >= 1'000'000) return fmt::format("{:.1f}M", static_cast<double>(n) / 1e6);
  if (n >= 1'000) return fmt::format("{:.1f}k", static_cast<double>(n) / 1e3);
  return std::to_string(n);
}

Progress::Progress(std::ostream& out, std::size_t total, bool live)
    : out_(out), total_(total), live_(live) {
  if (live_) ticker_ = std::jthread([this](std::stop_token stop) { tick(stop); });
}

Progress::~Progress() {
  close();
}

void Progress::close() {
  ticker_ = std::jthread();
  std::lock_guard lock(mutex_);
  if (closed_) return;
  closed_ = true;
  if (live_) {
    out_ << '\r' << "\x1b[K" << status_line_locked(Clock::now()) << '\n';
    out_.flush();
  }
}

void Progress::tick(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    wake_.wait_for(lock, stop, std::chrono::milliseconds(500), [] { return false; });
    if (!stop.stop_requested()) redraw_locked();
  }
}

std::string Progress::status_line() const {
  std::lock_guard lock(mutex_);
  return status_line_locked(Clock::now());
}

std::string Progress::status_line_locked(Clock::time_point now) const {
  std::string line =
      fmt::format("batch {}/{} · ok {} · failed {} · timeout {} · error {} · running {}", finished_,
                  total_, ok_, failed_, timeout_, error_, running_);
  double minutes = std::chrono::duration<double>(now - started_).count() / 60.0;
  if (finished_ > 0 && minutes > 0) {
    double per_minute = static_cast<double>(finished_) / minutes;
    line += fmt::format(" · {:.1f}/min", per_minute);
    if (finished_ < total_) {
      auto eta = std::chrono::milliseconds(static_cast<std::int64_t>(
          static_cast<double>(total_ - finished_) / per_minute * 60'000.0));
      line += " · ETA " + format_duration(eta);
    }
  }
  if (spend_.usd > 0) line += fmt::format(" · ${:.2f}", spend_.usd);
  line += fmt::format(" · {} tok", short_count(spend_.tokens));
  return line;
}

void Progress::redraw_locked() {
  if (!live_ || closed_) return;
  out_ << '\r' << "\x1b[K" << status_line_locked(Clock::now());
  out_.flush();
}

void Progress::on_start(const BatchTask&) {
  std::lock_guard lock(mutex_);
  ++running_;
  redraw_locked();
}

void Progress::on_finish(const BatchTask& task, const nlohmann::json& record) {
  std::lock_guard lock(mutex_);
  if (running_ > 0) --running_;
  ++finished_;
  TaskStatus status = record_status(record);
  switch (status) {
    case TaskStatus::kOk:
      ++ok_;
      break;
    case TaskStatus::kFailed:
      ++failed_;
      break;
    case TaskStatus::kTimeout:
      ++timeout_;
      break;
    case TaskStatus::kError:
      ++error_;
      break;
  }
  spend_.add_record(record);
  auto duration = std::chrono::milliseconds(record.value("duration_ms", std::int64_t{0}));
  std::string line = fmt::format("[{}/{}] {:<7} {} ({})", finished_, total_, to_string(status),
                                 task.id, format_duration(duration));
  if (auto it = record.find("error"); it != record.end() && it->is_object()) {
    line += ": " + it->value("message", std::string());
  }
  line = terminal_safe_line(line);  // ids and errors carry the task file's and the model's text
  if (live_) {
    // Only what needs attention scrolls above the live line.
    if (status != TaskStatus::kOk) out_ << '\r' << "\x1b[K" << line << '\n';
    redraw_locked();
  } else {
    out_ << line << '\n';
    out_.flush();
  }
}

void Progress::on_notice(std::string_view text) {
  std::lock_guard lock(mutex_);
  if (live_) {
    out_ << '\r' << "\x1b[K" << text << '\n';
    redraw_locked();
  } else {
    out_ << text << '\n';
    out_.flush();
  }
}

}  // namespace agentry::batch
