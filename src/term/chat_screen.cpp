#include "term/chat_screen.hpp"

#include <algorithm>
#include <array>
#include <sys/ioctl.h>

#include <fmt/format.h>

#include "term/display_width.hpp"

namespace agentry::term {

namespace {

constexpr std::array<std::string_view, 10> kSpinner = {"⠋", "⠙", "⠹", "⠸", "⠼",
                                                       "⠴", "⠦", "⠧", "⠇", "⠏"};
constexpr int kMaxPartialRows = 4;
constexpr auto kTick = std::chrono::milliseconds(100);

std::string elapsed(std::chrono::steady_clock::duration d) {
  auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (s < 60) return fmt::format("{}s", s);
  return fmt::format("{}m{:02}s", s / 60, s % 60);
}

}  // namespace

ChatScreen::ChatScreen(std::FILE* out, bool live, bool color, int columns, int tty_fd)
    : out_(out), live_(live), color_(color), tty_fd_(tty_fd), columns_(std::max(columns, 10)) {
  if (live_) ticker_ = std::jthread([this](std::stop_token stop) { tick_loop(stop); });
}

ChatScreen::~ChatScreen() {
  if (ticker_.joinable()) {
    ticker_.request_stop();
    wake_.notify_all();
    ticker_.join();
  }
  std::lock_guard lock(mutex_);
  erase_live();
}

void ChatScreen::emit(std::string_view bytes) {
  std::fwrite(bytes.data(), 1, bytes.size(), out_);
  std::fflush(out_);
}

std::string ChatScreen::live_text() const {
  std::string out;
  if (!partial_.empty()) {
    int budget = kMaxPartialRows * columns_ - 1;
    // Only the tail can show, and a column takes at most 4 bytes: measure no more than that,
    // so a very long streamed line costs the same on every delta.
    std::string_view tail = partial_;
    bool cut = false;
    if (auto keep = static_cast<std::size_t>(budget) * 4; tail.size() > keep) {
      std::size_t from = tail.size() - keep;
      while (from < tail.size() && (static_cast<unsigned char>(tail[from]) & 0xC0) == 0x80)
        ++from;
      tail.remove_prefix(from);
      cut = true;
    }
    if (cut || display_width(tail) > budget) {
      std::size_t pos = tail.size();
      int width = 0;
      while (pos > 0) {
        std::size_t prev = previous_boundary(tail, pos);
        std::size_t at = prev;
        int w = code_point_width(next_code_point(tail, at));
        if (width + w > budget - 1) break;
        width += w;
        pos = prev;
      }
      out = "…" + std::string(tail.substr(pos));
    } else {
      out = std::string(tail);
    }
  }
  if (busy_) {
    if (!out.empty()) out += "\r\n";
    auto now = std::chrono::steady_clock::now();
    bool cancelling = turn_stop_.stop_requested();
    std::string words = cancelling ? "cancelling…" : status_;
    std::string row =
        fmt::format("{} {} · {}{}", kSpinner[static_cast<std::size_t>(frame_) % kSpinner.size()],
                    words, elapsed(now - status_since_), cancelling ? "" : "  (Ctrl-C to stop)");
    row = truncate_to_width(row, columns_ - 1);
    out += color_ ? fmt::format("\x1b[2m{}\x1b[22m", row) : row;
  }
  return out;
}

void ChatScreen::erase_live() {
  if (!live_ || live_rows_ == 0) return;
  std::string out = "\r";
  if (live_rows_ > 1) out += fmt::format("\x1b[{}A", live_rows_ - 1);
  out += "\x1b[J";
  emit(out);
  live_rows_ = 0;
}

void ChatScreen::draw_live() {
  if (!live_ || paused_ > 0) return;
  std::string text = live_text();
  if (text.empty()) return;
  int rows = 0;
  if (!partial_.empty()) {
    int w = display_width(without_sgr(text.substr(0, text.find("\r\n"))));
    rows += std::max(1, (w - 1) / columns_ + 1);
  }
  if (busy_) ++rows;
  emit(text);
  live_rows_ = rows;
}

void ChatScreen::print(std::string_view text) {
  std::lock_guard lock(mutex_);
  erase_live();
  emit(text);
  draw_live();
}

void ChatScreen::set_partial(std::string text) {
  std::lock_guard lock(mutex_);
  if (!live_ || text == partial_) {
    partial_ = std::move(text);
    return;
  }
  erase_live();
  partial_ = std::move(text);
  draw_live();
}

void ChatScreen::set_status(std::string label) {
  std::lock_guard lock(mutex_);
  if (label == status_) return;
  status_ = std::move(label);
  status_since_ = std::chrono::steady_clock::now();
  if (!busy_) return;
  erase_live();
  draw_live();
}

void ChatScreen::start_busy(std::stop_token stop) {
  std::lock_guard lock(mutex_);
  busy_ = true;
  turn_stop_ = std::move(stop);
  status_since_ = std::chrono::steady_clock::now();
  if (live_) emit("\x1b[?25l");
  draw_live();
  wake_.notify_all();
}

void ChatScreen::stop_busy() {
  std::lock_guard lock(mutex_);
  erase_live();
  busy_ = false;
  partial_.clear();
  turn_stop_ = {};
  if (live_) emit("\x1b[?25h");
}

void ChatScreen::pause() {
  std::lock_guard lock(mutex_);
  erase_live();
  ++paused_;
  if (live_) emit("\x1b[?25h");
}

void ChatScreen::resume() {
  std::lock_guard lock(mutex_);
  if (paused_ > 0) --paused_;
  if (paused_ == 0 && busy_ && live_) emit("\x1b[?25l");
  draw_live();
}

void ChatScreen::set_columns(int columns) {
  std::lock_guard lock(mutex_);
  erase_live();
  columns_ = std::max(columns, 10);
  draw_live();
}

int ChatScreen::columns() const {
  std::lock_guard lock(mutex_);
  return columns_;
}

void ChatScreen::tick_loop(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    wake_.wait_for(lock, stop, kTick, [] { return false; });
    if (stop.stop_requested()) break;
    if (!busy_ || paused_ > 0) continue;
    ++frame_;
    erase_live();
    winsize ws{};
    if (tty_fd_ >= 0 && ::ioctl(tty_fd_, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
      columns_ = std::max<int>(ws.ws_col, 10);
    draw_live();
  }
}

}  // namespace agentry::term
