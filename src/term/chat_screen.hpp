#pragma once
/// The chat's output while a turn runs. Finished rows scroll up as ordinary output; below them,
/// on a terminal, a live area holds the line being streamed (not yet complete, so not yet
/// rendered as markdown) and a status row: a spinner, who works on what, and the elapsed time.
/// The live area is erased and redrawn around every print, so nothing is left half-drawn; it is
/// erased and frozen while an approval prompt has the terminal. Off a terminal there is no live
/// area: rows are printed as they are finished, nothing else.
///
/// Thread-safe: the engine's threads print, a spinner thread ticks.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

namespace agentry::term {

class ChatScreen {
 public:
  /// `live`: a terminal that can take cursor movement; `color` for the status row's dimming;
  /// `tty_fd` (or -1) is measured at each spinner tick, so a resize mid-turn is followed.
  ChatScreen(std::FILE* out, bool live, bool color, int columns, int tty_fd);
  ~ChatScreen();
  ChatScreen(const ChatScreen&) = delete;
  ChatScreen& operator=(const ChatScreen&) = delete;

  /// Prints finished text (whole rows, ending in '\n') above the live area.
  void print(std::string_view text);
  /// The partial line being streamed ("" when none); shown as it arrives, the tail only when
  /// it would take more than a few rows.
  void set_partial(std::string text);
  /// The status row's words ("rust-pro: cargo_test"); its timer restarts when they change.
  void set_status(std::string label);

  /// A turn begins: the status row and its spinner appear; `stop` shows "cancelling" once set.
  void start_busy(std::stop_token stop);
  /// The turn is over: the live area goes away.
  void stop_busy();
  /// Around an approval prompt: the live area is erased and stays so until resume().
  void pause();
  void resume();

  void set_columns(int columns);
  int columns() const;
  bool live() const { return live_; }

 private:
  void tick_loop(std::stop_token stop);
  std::string live_text() const;
  void erase_live();
  void draw_live();
  void emit(std::string_view bytes);

  std::FILE* out_;
  bool live_;
  bool color_;
  int tty_fd_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  int columns_;
  std::string partial_;
  std::string status_;
  std::chrono::steady_clock::time_point status_since_;
  std::stop_token turn_stop_;
  bool busy_ = false;
  int paused_ = 0;
  int frame_ = 0;
  int live_rows_ = 0;  ///< rows the live area takes on screen now (0: not drawn)
  std::jthread ticker_;
};

}  // namespace agentry::term
