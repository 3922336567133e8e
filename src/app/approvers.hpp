#pragma once
/// Approvers the front-ends use for `ask` tools: the terminal prompt (yes / no with a reason /
/// always for this session), and the unattended permission modes layered over it.
#include <mutex>
#include <set>
#include <string>

#include "engine/task_runner.hpp"
#include "tools/permissions.hpp"

namespace agentry::app {

/// Asks on the controlling terminal (/dev/tty), so it works while stdin/stdout are pipes.
/// One question at a time: parallel tools and subagents wait their turn.
class TerminalApprover final : public tools::Approver {
 public:
  /// Nullptr when there is no terminal to ask on.
  static std::unique_ptr<TerminalApprover> open();
  /// Asks on `in_fd`/`out_fd` (which it then owns; the same fd for both is fine).
  static std::unique_ptr<TerminalApprover> on(int in_fd, int out_fd);
  /// Shows the request's preview made terminal-safe, then the call (approval_target), then asks.
  tools::Approval approve(const tools::ApprovalRequest& request, std::stop_token stop) override;
  /// The same with a preview the caller already made safe (chat colours its diffs).
  tools::Approval approve_shown(const tools::ApprovalRequest& request,
                                std::string_view safe_preview, std::stop_token stop);

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
  ModeApprover(engine::PermissionMode mode, tools::Approver* inner) : mode_(mode), inner_(inner) {}
  tools::Approval approve(const tools::ApprovalRequest& request, std::stop_token stop) override;

 private:
  engine::PermissionMode mode_;
  tools::Approver* inner_;
};

/// The lines an approval prompt ends with, right before the question: the tool (with where it
/// comes from: an MCP server's name and its own name for the tool) and every argument but the
/// bulky ones the preview shows (file content, edit strings), each made terminal-safe on one
/// line and cut at 300 bytes, so the real target (path, command, test name) is named where the
/// preview's text cannot reach. An argument named like a secret (`token`, `password`, `api_key`)
/// shows as `***`.
std::string approval_target(const tools::ApprovalRequest& request);

/// Parses a user's answer: y/yes, a/always, n/no, or "n: reason" / "no, reason" / any other
/// text (taken as a refusal with that text as the reason).
struct ApprovalAnswer {
  bool approved = false;
  bool always = false;
  std::string reason;
};
ApprovalAnswer parse_approval_answer(std::string_view line);

}  // namespace agentry::app
