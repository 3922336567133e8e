#pragma once
/// The chat's terminal: its modes (raw while the line editor reads; "busy" while a turn runs:
/// line discipline and signals on, so Ctrl-C reaches the interrupt watcher, echo off, so keys
/// typed ahead do not scribble over streamed output; the original modes for approval prompts
/// and on exit), its size, and the resize signal.
#include <memory>
#include <termios.h>

#include "core/environment.hpp"

namespace agentry::term {

struct WindowSize {
  int columns = 80;
  int rows = 24;
};

/// The size of the terminal on `fd`; COLUMNS/LINES, then 80x24, when it has none.
WindowSize window_size(int fd, const Environment& env);

class TerminalModes {
 public:
  /// Remembers the modes of `fd`; nullptr when `fd` is not a terminal.
  static std::unique_ptr<TerminalModes> open(int fd);
  ~TerminalModes();
  TerminalModes(const TerminalModes&) = delete;
  TerminalModes& operator=(const TerminalModes&) = delete;

  void raw();
  void busy();
  /// The modes the chat started with (and the cursor shown). Safe from any thread: the forced
  /// quit calls it from the interrupt watcher before exiting.
  void restore();
  int fd() const { return fd_; }

 private:
  TerminalModes(int fd, const termios& original) : fd_(fd), original_(original) {}
  int fd_;
  termios original_;
};

/// SIGWINCH as a file descriptor the editor can poll (signalfd), so resizes need no signal
/// handler and no global state. open() blocks SIGWINCH in the calling thread: call it before any
/// other thread starts, so that every thread inherits the mask.
class ResizeSignal {
 public:
  static std::unique_ptr<ResizeSignal> open();
  ~ResizeSignal();
  ResizeSignal(const ResizeSignal&) = delete;
  ResizeSignal& operator=(const ResizeSignal&) = delete;

  int fd() const { return fd_; }
  /// Consumes pending resize notifications; true when there was one.
  bool drain();

 private:
  explicit ResizeSignal(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace agentry::term
