#include "batch/check_runner.hpp"

namespace agentry::batch {

std::string utf8_tail(const std::string& text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t start = text.size() - max_bytes;
  while (start < text.size() && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
    ++start;
  return text.substr(start);
}

nlohmann::json CheckOutcome::to_json() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : commands) {
    list.push_back({{"command", c.argv},
                    {"exit_code", c.exit_code},
                    {"timed_out", c.timed_out},
                    {"output_tail", c.output_tail},
                    {"duration_ms", c.duration_ms}});
  }
  return {{"passed", passed}, {"commands", list}};
}

Result<CheckOutcome> run_check(const std::vector<CheckCommand>& check,
                               const std::filesystem::path& cwd, const Environment& environment,
                               std::chrono::milliseconds timeout, tools::ProcessRunner& runner,
                               std::stop_token stop) {
  CheckOutcome outcome;
  for (const auto& argv : check) {
    tools::ProcessRequest request;
    request.argv = argv;
    request.cwd = cwd;
    request.environment = environment;
    request.timeout = timeout;
    request.capture_cap = 64 * 1024;
    CheckCommandOutcome done;
    done.argv = argv;
    auto result = runner.run(request, stop);
    if (!result) {
      if (result.error().code == ErrorCode::kCancelled) return tl::make_unexpected(result.error());
      done.output_tail = utf8_tail(result.error().to_string(), kOutputTail);
    } else {
      done.exit_code = result->exit_code;
      done.timed_out = result->timed_out;
      done.duration_ms = result->elapsed.count();
      std::string output = result->out.text;
      if (!output.empty() && !result->err.text.empty() && output.back() != '\n') output += '\n';
      output += result->err.text;
      if (result->timed_out) output += "\n(timed out)";
      done.output_tail = utf8_tail(output, kOutputTail);
    }
    if (done.exit_code != 0 || done.timed_out) outcome.passed = false;
    outcome.commands.push_back(std::move(done));
  }
  return outcome;
}

}  // namespace agentry::batch
