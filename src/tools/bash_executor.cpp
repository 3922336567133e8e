// bash: the model's command line under /bin/bash -c, the one place a shell runs for the model.
// It goes through the services' process runner like every other child: its own process group
// (the whole tree ends at the timeout), a scrubbed environment, the workspace as its working
// directory, stdin from /dev/null, output captured within a cap, and the sandbox when it is on.
#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "tools/capped_text.hpp"
#include "tools/cargo_invocation.hpp"
#include "tools/executors.hpp"

namespace agentry::tools {

namespace {

constexpr std::chrono::seconds kDefaultTimeout{120};

class BashTool final : public SpecTool {
 public:
  using SpecTool::SpecTool;

  Result<ToolOutput> run(const nlohmann::json& args, const ToolContext& context) override {
    auto ws = open_workspace(context, spec_);
    if (!ws) return tl::make_unexpected(ws.error());
    std::string command = args.value("command", std::string());
    if (command.find_first_not_of(" \t\r\n") == std::string::npos)
      return model_error("bash: `command` is empty; give the command line to run");
    if (command.find('\0') != std::string::npos)
      return model_error("bash: `command` holds a NUL byte, which no command line can");

    std::chrono::milliseconds timeout = kDefaultTimeout;
    if (auto t = args.find("timeout"); t != args.end() && t->is_number_integer())
      timeout = std::chrono::seconds(std::max<std::int64_t>(1, t->get<std::int64_t>()));
    timeout = std::min(timeout, spec_.limits.timeout);

    ProcessRequest request;
    request.argv = {"/bin/bash", "-c", command};
    request.cwd = ws->root();
    request.environment = child_environment(services_->environment);
    request.timeout = timeout;
    request.kill_grace = std::chrono::milliseconds(500);
    request.capture_cap = std::max<std::size_t>(spec_.limits.output_cap / 2, 1024);
    request.writable = {ws->root()};
    auto result = run_logged(*services_, request, context.stop);
    if (!result) return tl::make_unexpected(result.error());

    nlohmann::json details = {{"exit_code", result->exit_code},
                              {"signal", result->term_signal},
                              {"timed_out", result->timed_out},
                              {"elapsed_ms", result->elapsed.count()}};
    std::string out;
    if (result->timed_out) {
      out = fmt::format(
          "bash: timed out after {} s and was stopped (with every process it started)\n",
          std::chrono::duration_cast<std::chrono::seconds>(timeout).count());
    } else if (result->term_signal != 0) {
      out = fmt::format("bash: killed by signal {} ({})\n", result->term_signal,
                        strsignal(result->term_signal));
    } else {
      out = fmt::format("exit {}\n", result->exit_code);
    }
    if (!result->out.text.empty())
      out += fmt::format("stdout:\n{}{}", valid_utf8(result->out.text),
                         result->out.text.ends_with('\n') ? "" : "\n");
    if (!result->err.text.empty())
      out += fmt::format("stderr:\n{}{}", valid_utf8(result->err.text),
                         result->err.text.ends_with('\n') ? "" : "\n");
    if (result->out.text.empty() && result->err.text.empty()) out += "(no output)\n";
    return ToolOutput{std::move(out), !result->succeeded(), std::move(details)};
  }
};

}  // namespace

std::unique_ptr<Tool> make_bash_tool(ToolSpec spec, SharedServices services) {
  return std::make_unique<BashTool>(std::move(spec), std::move(services));
}

}  // namespace agentry::tools
