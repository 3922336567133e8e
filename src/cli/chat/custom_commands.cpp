// The chat's custom commands (`/name ARGS` from command files), the agent's `initialPrompt`, and
// its `color` on the prompt.
#include "app/custom_commands.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "cli/chat/chat_loop.hpp"
#include "core/terminal_text.hpp"
#include "term/display_width.hpp"

namespace agentry::cli::chat {

namespace {

/// Claude Code's agent colours as SGR parameters.
struct NamedColor {
  std::string_view name;
  std::string_view sgr;
};
constexpr std::array<NamedColor, 10> kColors = {{
    {"red", "1;31"},
    {"green", "1;32"},
    {"yellow", "1;33"},
    {"blue", "1;34"},
    {"purple", "1;35"},
    {"magenta", "1;35"},
    {"cyan", "1;36"},
    {"white", "1;37"},
    {"orange", "1;38;5;208"},
    {"pink", "1;38;5;205"},
}};

}  // namespace

void ChatLoop::load_commands() {
  commands_ = app::load_custom_commands(ctx_);
  for (const auto& command : commands_.commands()) {
    if (find_slash_command(command.name) != nullptr)
      note(terminal_safe(fmt::format("/{} of {} is not available: the built-in /{} has the name",
                                     command.name, command.source.string(), command.name)));
  }
}

bool ChatLoop::run_custom_command(const SlashCommand& command) {
  const auto* custom = commands_.find(command.name);
  if (custom == nullptr) return false;
  note(terminal_safe(fmt::format("/{}: {}", custom->name, custom->description)));
  send_message(custom->body, custom, command.args);
  return true;
}

std::string ChatLoop::custom_commands_help() const {
  std::string out;
  for (const auto& c : commands_.commands()) {
    if (find_slash_command(c.name) != nullptr) continue;
    std::string usage = fmt::format("/{} {}", c.name, c.argument_hint);
    std::string origin = c.namespace_.empty() ? c.scope : c.scope + ":" + c.namespace_;
    out += terminal_safe(fmt::format(
        "  {}{} {} ({})\n", usage,
        std::string(static_cast<std::size_t>(std::max(1, 18 - term::display_width(usage))), ' '),
        c.description, origin));
  }
  return out.empty() ? out : "Custom commands:\n" + out;
}

void ChatLoop::send_initial_prompt() {
  auto catalog = services_.catalog();
  if (!catalog) return;  // reported with the first message
  const auto* agent = (*catalog)->find(agent_);
  if (agent == nullptr || agent->initial_prompt.empty()) return;
  note(terminal_safe(fmt::format("{}'s initial prompt: {}", agent_, agent->initial_prompt)));
  static_cast<void>(handle_line(agent->initial_prompt));
}

void ChatLoop::update_agent_color() {
  agent_color_ = "1;36";
  for (const auto* a : runner_->agents()) {
    if (a->name != agent_) continue;
    for (const auto& c : kColors) {
      if (c.name == a->color) agent_color_ = c.sgr;
    }
  }
}

}  // namespace agentry::cli::chat
