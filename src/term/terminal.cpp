#include "term/terminal.hpp"

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "core/fd_write.hpp"

namespace agentry::term {

namespace {

int env_int(const Environment& env, std::string_view name, int fallback) {
  auto text = env.get_or(name, "");
  int value = std::atoi(text.c_str());
  return value > 0 ? value : fallback;
}

}  // namespace

WindowSize window_size(int fd, const Environment& env) {
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    return {ws.ws_col, ws.ws_row > 0 ? ws.ws_row : 24};
  }
  return {env_int(env, "COLUMNS", 80), env_int(env, "LINES", 24)};
}

std::unique_ptr<TerminalModes> TerminalModes::open(int fd) {
  termios original{};
  if (!::isatty(fd) || ::tcgetattr(fd, &original) != 0) return nullptr;
  return std::unique_ptr<TerminalModes>(new TerminalModes(fd, original));
}

TerminalModes::~TerminalModes() {
  restore();
}

void TerminalModes::raw() {
  termios t = original_;
  t.c_iflag &= ~static_cast<tcflag_t>(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
  t.c_cflag |= CS8;
  t.c_lflag &= ~static_cast<tcflag_t>(ECHO | ICANON | IEXTEN | ISIG);
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
  ::tcsetattr(fd_, TCSADRAIN, &t);
}

void TerminalModes::busy() {
  termios t = original_;
  t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  t.c_lflag |= ICANON | ISIG;
  ::tcsetattr(fd_, TCSADRAIN, &t);
}

void TerminalModes::restore() {
  ::tcsetattr(fd_, TCSADRAIN, &original_);
  // Cursor shown, bracketed paste off: whatever state the screen code left behind.
  if (::isatty(STDOUT_FILENO)) write_all(STDOUT_FILENO, "\x1b[?25h\x1b[?2004l");
}

std::unique_ptr<ResizeSignal> ResizeSignal::open() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGWINCH);
  if (::pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) return nullptr;
  int fd = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) return nullptr;
  return std::unique_ptr<ResizeSignal>(new ResizeSignal(fd));
}

ResizeSignal::~ResizeSignal() {
  ::close(fd_);
}

bool ResizeSignal::drain() {
  bool any = false;
  signalfd_siginfo info{};
  while (::read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info))
    any = true;
  return any;
}

}  // namespace agentry::term
