#pragma once
/// Approval prompts inside the chat: the app::TerminalApprover asks (yes / no with a reason /
/// always for this chat), while this wrapper makes room for it: the live area and spinner stop,
/// other output waits, keys typed ahead are discarded (they must not answer the question), echo
/// comes back for the answer, and the preview is made safe and readable (control sequences removed,
/// the diff coloured, very long previews shortened).
#include <memory>

#include "app/approvers.hpp"
#include "cli/chat/chat_sink.hpp"
#include "term/terminal.hpp"

namespace agentry::cli::chat {

class ChatApprover final : public tools::Approver {
 public:
  /// `terminal` may be null (no terminal: every ask is declined with a reason); `modes` may be
  /// null when stdin is not a terminal.
  ChatApprover(ChatSink& sink, term::TerminalModes* modes,
               std::unique_ptr<app::TerminalApprover> terminal);
  tools::Approval approve(const tools::ApprovalRequest& request, std::stop_token stop) override;

 private:
  ChatSink& sink_;
  term::TerminalModes* modes_;
  std::unique_ptr<app::TerminalApprover> terminal_;
};

/// The preview as shown: controls stripped, at most `max_lines` lines, diff lines coloured.
std::string approval_preview_text(std::string_view preview, bool color, std::size_t max_lines);

}  // namespace agentry::cli::chat
