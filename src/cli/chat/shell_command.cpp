#include "cli/chat/shell_command.hpp"

#include <fmt/format.h>

#include "cli/event_printer.hpp"

namespace agentry::cli::chat {

std::optional<ShellLine> parse_shell_line(std::string_view line) {
  auto start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos || line[start] != '!') return std::nullopt;
  line.remove_prefix(start + 1);
  bool share = line.starts_with('!');
  if (share) line.remove_prefix(1);
  auto b = line.find_first_not_of(" \t");
  if (b == std::string_view::npos) return std::nullopt;
  auto e = line.find_last_not_of(" \t\r\n");
  return ShellLine{std::string(line.substr(b, e - b + 1)), share};
}

ShellOutcome run_shell_command(tools::ProcessRunner& runner, const std::string& command,
                               const std::filesystem::path& cwd, const Environment& env,
                               std::stop_token stop) {
  tools::ProcessRequest request;
  request.argv = {"/bin/sh", "-c", command};
  request.cwd = cwd;
  request.environment = env;
  request.timeout = std::chrono::hours(1);
  ShellOutcome outcome;
  auto result = runner.run(request, std::move(stop));
  if (!result) {
    outcome.cancelled = result.error().code == ErrorCode::kCancelled;
    outcome.error = result.error().to_string();
    outcome.exit_code = -1;
    return outcome;
  }
  outcome.output = terminal_safe(result->out.text);
  if (!result->err.text.empty()) {
    if (!outcome.output.empty() && !outcome.output.ends_with('\n')) outcome.output += '\n';
    outcome.output += terminal_safe(result->err.text);
  }
  for (const auto* stream : {&result->out, &result->err}) {
    if (stream->dropped_bytes > 0)
      outcome.output += fmt::format("\n[… {} bytes of output left out]\n", stream->dropped_bytes);
  }
  outcome.exit_code = result->exit_code;
  return outcome;
}

std::string shared_command_context(const std::string& command, const ShellOutcome& outcome) {
  std::string output = outcome.output;
  if (!output.empty() && !output.ends_with('\n')) output += '\n';
  return fmt::format("<command-output command=\"{}\" exit_code=\"{}\">\n{}</command-output>",
                     command, outcome.exit_code, output);
}

}  // namespace agentry::cli::chat
