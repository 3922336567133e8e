// The MCP server's line handling: the input is the client's stdin (newline-delimited JSON-RPC),
// served by a real McpServer over in-memory streams with a fake engine::TaskRunner that answers at
// once, as tests/cli/mcp does. Lines are capped at 4 KiB here so the over-long path is reached too.
#include <filesystem>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/mcp/mcp_server.hpp"
#include "fuzz_input.hpp"

namespace {

using namespace agentry;

class FakeRunner final : public engine::TaskRunner {
 public:
  FakeRunner() {
    for (auto [name, mode] : {std::pair{"orchestrator", agents::AgentMode::kPrimary},
                              std::pair{"rust-pro", agents::AgentMode::kSubagent},
                              std::pair{"reviewer", agents::AgentMode::kSubagent}}) {
      agents::AgentDefinition d;
      d.name = name;
      d.mode = mode;
      d.description = std::string("does ") + name + " things";
      defs_.push_back(std::move(d));
    }
  }
  std::vector<const agents::AgentDefinition*> agents() const override {
    std::vector<const agents::AgentDefinition*> out;
    for (const auto& d : defs_)
      out.push_back(&d);
    return out;
  }
  Result<engine::RunResult> run(const engine::TaskRequest& request, engine::EventSink& events,
                                std::stop_token) override {
    engine::TextDelta delta;
    delta.origin.session_id = "sess";
    delta.origin.agent = request.agent;
    delta.text = request.task;
    events.on_event(delta);
    if (request.task.starts_with("fail")) {
      return fail(ErrorCode::kHttp, "the model failed: " + request.task, request.cwd.string());
    }
    engine::RunResult r;
    r.session_id = request.session_id.empty() ? "sess-" + request.agent : request.session_id;
    r.agent = request.agent;
    r.result = "done: " + request.task;
    r.num_turns = 1;
    return r;
  }

 private:
  std::vector<agents::AgentDefinition> defs_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static FakeRunner runner;
  static const std::filesystem::path root = std::filesystem::temp_directory_path();
  cli::mcp::ServerOptions options;
  options.roots.push_back(root);
  options.max_concurrent = 2;
  options.max_line_bytes = 4096;
  std::ostringstream out;
  auto server = cli::mcp::McpServer::create(runner, std::move(options), out, nullptr);
  AGENTRY_FUZZ_CHECK(server.has_value());
  std::istringstream in{std::string(fuzz::as_text(data, size))};
  (*server)->serve(in);
  server->reset();
  // Every message written must be one JSON object per line.
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) {
    auto message = nlohmann::json::parse(line, nullptr, false);
    AGENTRY_FUZZ_CHECK(message.is_object());
  }
  return 0;
}
