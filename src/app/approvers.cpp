#include "app/approvers.hpp"

#include <algorithm>
#include <cctype>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/environment.hpp"
#include "core/fd_write.hpp"
#include "core/terminal_text.hpp"

namespace agentry::app {

namespace {

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

ApprovalAnswer parse_approval_answer(std::string_view line) {
  std::string t = trim(line);
  std::string lower = t;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "y" || lower == "yes") return {true, false, {}};
  if (lower == "a" || lower == "always") return {true, true, {}};
  if (lower.empty() || lower == "n" || lower == "no") return {false, false, {}};
  for (std::string_view prefix : {"no:", "no,", "n:", "n,", "no ", "n "}) {
    if (lower.starts_with(prefix)) return {false, false, trim(t.substr(prefix.size()))};
  }
  return {false, false, t};
}

std::unique_ptr<TerminalApprover> TerminalApprover::open() {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return nullptr;
  return std::unique_ptr<TerminalApprover>(new TerminalApprover(fd, fd));
}

std::unique_ptr<TerminalApprover> TerminalApprover::on(int in_fd, int out_fd) {
  return std::unique_ptr<TerminalApprover>(new TerminalApprover(in_fd, out_fd));
}

TerminalApprover::~TerminalApprover() {
  if (out_ != in_) ::close(out_);
  ::close(in_);
}

std::string approval_target(const tools::ApprovalRequest& request) {
  constexpr std::size_t kMaxValue = 300;
  std::string out = "── " + terminal_safe_line(request.tool);
  if (!request.origin.empty()) out += " (" + terminal_safe_line(request.origin) + ")";
  if (request.arguments.is_object()) {
    for (const auto& [key, value] : request.arguments.items()) {
      if (key == "content" || key == "new_string" || key == "old_string") continue;  // previewed
      if (is_secret_variable(key)) {
        out += fmt::format("\n   {}: ***", terminal_safe_line(key));
        continue;
      }
      std::string text = value.is_string()
                             ? value.get<std::string>()
                             : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      std::string shown = terminal_safe_line(std::string_view(text).substr(0, kMaxValue));
      if (text.size() > kMaxValue) shown += "…";
      out += fmt::format("\n   {}: {}", terminal_safe_line(key), shown);
    }
  }
  if (request.settings)
    out += "\n   (this writes a settings folder: .git, .agentry, .claude or .opencode)";
  return out + "\n";
}

tools::Approval TerminalApprover::approve(const tools::ApprovalRequest& request,
                                          std::stop_token stop) {
  return approve_shown(request, terminal_safe(request.preview), stop);
}

tools::Approval TerminalApprover::approve_shown(const tools::ApprovalRequest& request,
                                                std::string_view safe_preview,
                                                std::stop_token stop) {
  std::lock_guard lock(mutex_);
  if (always_.count(request.tool) && !request.settings) return {true, {}};
  // The preview is the model's text (made safe); what is asked about comes after it, on lines
  // of its own built from the call itself, so the preview can neither hide nor restate it.
  write_all(out_, fmt::format("\n── the agent wants to run {} ──\n{}\n",
                              terminal_safe_line(request.tool), safe_preview));
  write_all(out_, approval_target(request));
  write_all(out_, "Allow? [y]es / [n]o (n: reason) / [a]lways for this session: ");
  std::string line;
  while (!stop.stop_requested()) {
    pollfd p{in_, POLLIN, 0};
    int ready = ::poll(&p, 1, 100);
    if (ready <= 0) continue;
    char c;
    auto n = ::read(in_, &c, 1);
    if (n <= 0) break;
    if (c == '\n') break;
    line.push_back(c);
  }
  if (stop.stop_requested()) return {false, "cancelled"};
  auto answer = parse_approval_answer(line);
  if (answer.always && !request.settings) always_.insert(request.tool);
  return {answer.approved, answer.reason};
}

tools::Approval ModeApprover::approve(const tools::ApprovalRequest& request, std::stop_token stop) {
  if (tools::mode_approves(mode_, request.writes, request.settings)) return {true, {}};
  if (inner_ == nullptr) {
    return {false, fmt::format("nobody can approve {} here; the run is unattended", request.tool),
            true};
  }
  return inner_->approve(request, stop);
}

}  // namespace agentry::app
