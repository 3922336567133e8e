#pragma once
/// The chat's read-eval-print loop and its state (internal to cli/chat; run_chat is the entry).
/// chat_session.cpp holds set-up, reading and turns; chat_commands.cpp the slash commands.
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/sinks/ringbuffer_sink.h>

#include "agents/command_set.hpp"
#include "cli/chat/attachments.hpp"
#include "cli/chat/chat_approver.hpp"
#include "cli/chat/chat_session.hpp"
#include "cli/chat/chat_sink.hpp"
#include "cli/chat/shell_command.hpp"
#include "cli/chat/slash_commands.hpp"
#include "cli/chat/workspace_changes.hpp"
#include "cli/interrupt.hpp"
#include "store/session_store.hpp"
#include "term/chat_screen.hpp"
#include "term/history.hpp"
#include "term/line_editor.hpp"
#include "term/terminal.hpp"
#include "tools/process_runner.hpp"
#include "tools/workspace.hpp"

namespace agentry::cli::chat {

class ChatLoop {
 public:
  ChatLoop(app::Services& services, ChatOptions options);
  int run();

 private:
  // chat_session.cpp
  void set_up();
  /// The agent config names (or the built-in default), known before the registry loads.
  std::string configured_agent() const;
  std::string default_agent();
  /// The composed engine, waiting for it to finish loading the first time.
  engine::TaskRunner& runner();
  std::optional<std::string> next_line();
  bool handle_line(const std::string& line);
  void send_message(const std::string& text, const agents::CustomCommand* command = nullptr,
                    std::string_view arguments = {});
  engine::TaskRequest request_for(std::string task) const;
  /// Runs `request` (request_for, maybe changed) as the next turn of the conversation,
  /// rendering it; the result is reported. `compact_only`: no turn, the engine compacts the
  /// conversation's session instead (/compact).
  Result<engine::RunResult> run_turn(engine::TaskRequest request);
  Result<engine::RunResult> run_turn(std::string task, bool compact_only = false);
  /// Loads the custom commands, noting those a built-in command hides.
  void load_commands();
  /// The agent's `initialPrompt`, sent as the first message of a new conversation.
  void send_initial_prompt();
  /// The prompt's colour for the agent's name: its `color`, else bold cyan.
  void update_agent_color();
  /// Runs the custom command `command.name` if there is one; false when there is none.
  bool run_custom_command(const SlashCommand& command);
  /// /help's lines for the custom commands ("" when there are none).
  std::string custom_commands_help() const;
  void run_shell(const ShellLine& line);
  Completion complete(std::string_view text, std::size_t cursor);
  std::string prompt() const;
  void say(std::string_view text);
  void note(std::string_view text);
  void warn(std::string_view text);
  store::SessionStore* store();
  std::string canonical_cwd() const;

  // chat_commands.cpp
  bool run_command(const SlashCommand& command);
  void show_help(const std::string& topic);
  void show_agents();
  void switch_agent(const std::string& name);
  void choose_model(const std::string& model);
  void choose_effort(const std::string& level);
  void toggle_thinking();
  void show_tools();
  void clear_conversation();
  void compact();
  void show_cost();
  void show_sessions();
  void resume(const std::string& id, bool quiet_if_missing);
  void show_diff();
  void undo(const std::string& args);
  void rewind(const std::string& args);
  /// Shows what `scope` puts back, asks when `confirm`, and undoes it.
  void undo_changes(const engine::UndoScope& scope, bool force, bool confirm);
  void show_last();
  std::vector<std::string> model_names();
  std::vector<std::string> recent_session_ids();
  bool agent_exists(const std::string& name);

  app::Services& services_;
  app::AppContext& ctx_;
  ChatOptions options_;
  // Before the interrupt watcher: SIGWINCH must be blocked before any thread starts.
  std::unique_ptr<term::ResizeSignal> resize_;
  InterruptWatcher interrupts_;
  std::unique_ptr<term::TerminalModes> modes_;
  bool interactive_ = false;  ///< stdin and stdout are terminals: the line editor reads
  bool color_ = false;
  std::shared_ptr<spdlog::logger> held_log_;  ///< main's logger while the engine loads
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> log_buffer_;
  std::future<Result<std::unique_ptr<engine::TaskRunner>>> building_;
  std::unique_ptr<engine::TaskRunner> runner_;
  std::unique_ptr<term::ChatScreen> screen_;
  std::unique_ptr<ChatSink> sink_;
  std::unique_ptr<ChatApprover> approver_;
  std::optional<tools::Workspace> workspace_;
  tools::ProcessRunner& processes_;  ///< the user's own commands (`!cmd`, git for /diff)
  std::unique_ptr<WorkspaceChanges> changes_;
  term::History history_;
  std::unique_ptr<term::LineEditor> editor_;
  std::optional<std::vector<std::string>> models_;

  agents::CommandSet commands_;
  std::string agent_color_ = "1;36";  ///< SGR parameters
  std::string agent_;
  std::string model_;
  std::string effort_;  ///< /effort; "" = the agent's own
  std::string session_id_;
  std::string shared_context_;  ///< `!!cmd` outputs waiting for the next message
};

}  // namespace agentry::cli::chat
