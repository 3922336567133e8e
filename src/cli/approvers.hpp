#pragma once
/// Approvers the front-ends use for `ask` tools: the terminal prompt (yes / no with a reason /
/// always for this session), and the unattended permission modes layered over it.
#include <mutex>
#include <set>
#include <string>

#include "cli/task_runner.hpp"
#include "tools/permissions.hpp"

namespace agentry::cli {

/// Asks on the controlling terminal (/dev/tty), so it works while stdin/stdout are pipes.
/// One question at a time: parallel tools and subagents wait their turn.
class TerminalApprover final : public tools::Approver {
 public:
  /// Nullptr when there is no terminal to ask on.
  static std::unique_ptr<TerminalApprover> open();
  tools::Approval approve(const tools::ApprovalRequest& request, std::stop_token stop) override;

 private:
  TerminalApprover(int in_fd, int out_fd) : in_(in_fd), out_(out_fd) {}

 public:
  ~TerminalApprover() override;

 private:
  int in_;
  int out_;
  std::mutex mutex_;
  std::set<std::string> always_;  ///< tools approved for the rest of the session
};

/// Applies a permission mode: accept-edits approves calls that write the workspace (but not its
/// settings: ApprovalRequest::settings), bypass approves everything; the rest goes to `inner`
/// (which may be null: denied).
class ModeApprover final : public tools::Approver {
 public:
  ModeApprover(PermissionMode mode, tools::Approver* inner) : mode_(mode), inner_(inner) {}
  tools::Approval approve(const tools::ApprovalRequest& request, std::stop_token stop) override;

 private:
  PermissionMode mode_;
  tools::Approver* inner_;
};

/// Parses a user's answer: y/yes, a/always, n/no, or "n: reason" / "no, reason" / any other
/// text (taken as a refusal with that text as the reason).
struct ApprovalAnswer {
  bool approved = false;
  bool always = false;
  std::string reason;
};
ApprovalAnswer parse_approval_answer(std::string_view line);

}  // namespace agentry::cli
