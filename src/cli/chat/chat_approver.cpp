#include "cli/chat/chat_approver.hpp"

#include <termios.h>

#include <fmt/format.h>

namespace agentry::cli::chat {

std::string approval_preview_text(std::string_view preview, bool color, std::size_t max_lines) {
  std::string clean = terminal_safe(preview);
  std::string out;
  std::size_t shown = 0;
  std::size_t pos = 0;
  while (pos < clean.size()) {
    auto nl = clean.find('\n', pos);
    std::string_view line(clean.data() + pos, (nl == std::string::npos ? clean.size() : nl) - pos);
    if (shown == max_lines) {
      auto rest = std::count(clean.begin() + static_cast<std::ptrdiff_t>(pos), clean.end(), '\n') +
                  (clean.ends_with('\n') ? 0 : 1);
      out += fmt::format("… {} more lines\n", rest);
      break;
    }
    const char* sgr = nullptr;
    if (color && line.starts_with("+") && !line.starts_with("+++")) sgr = "32";
    if (color && line.starts_with("-") && !line.starts_with("---")) sgr = "31";
    if (color && line.starts_with("@@")) sgr = "36";
    out += sgr ? fmt::format("\x1b[{}m{}\x1b[39m\n", sgr, line) : fmt::format("{}\n", line);
    ++shown;
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  while (out.ends_with('\n'))
    out.pop_back();
  return out;
}

ChatApprover::ChatApprover(ChatSink& sink, term::TerminalModes* modes,
                           std::unique_ptr<app::TerminalApprover> terminal)
    : sink_(sink), modes_(modes), terminal_(std::move(terminal)) {}

tools::Approval ChatApprover::approve(const tools::ApprovalRequest& request, std::stop_token stop) {
  if (!terminal_) return {false, "there is no terminal to ask the user on"};
  std::string who =
      fmt::format("asked by {}", terminal_safe_line(sink_.agent_calling(request.tool)));
  std::string shown = (sink_.color() ? fmt::format("\x1b[2m{}\x1b[22m", who) : who) + "\n" +
                      approval_preview_text(request.preview, sink_.color(), 60);
  sink_.begin_approval();
  if (modes_) {
    modes_->restore();
    ::tcflush(modes_->fd(), TCIFLUSH);
  }
  auto answer = terminal_->approve_shown(request, shown, stop);
  if (modes_) modes_->busy();
  // Stopped mid-question: the cursor is still after "Allow? …"; keep that line on screen.
  if (stop.stop_requested()) sink_.print("\n");
  sink_.end_approval();
  return answer;
}

}  // namespace agentry::cli::chat
