#include "cli/approvers.hpp"

#include <algorithm>
#include <cctype>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <fmt/format.h>

namespace agentry::cli {

namespace {

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    auto n = ::write(fd, text.data(), text.size());
    if (n <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
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

TerminalApprover::~TerminalApprover() {
  ::close(in_);
}

tools::Approval TerminalApprover::approve(const tools::ApprovalRequest& request,
                                          std::stop_token stop) {
  std::lock_guard lock(mutex_);
  if (always_.count(request.tool) && !request.settings) return {true, {}};
  write_all(out_, fmt::format("\n── {} wants to run {} ──\n{}\n", "the agent", request.tool,
                              request.preview));
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
  if (mode_ == PermissionMode::kBypass) return {true, {}};
  if (mode_ == PermissionMode::kAcceptEdits) {
    if (request.writes && !request.settings) return {true, {}};
  }
  if (inner_ == nullptr) {
    return {false, fmt::format("nobody can approve {} here; the run is unattended", request.tool)};
  }
  return inner_->approve(request, stop);
}

}  // namespace agentry::cli
