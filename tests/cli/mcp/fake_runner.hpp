#pragma once
// A engine::TaskRunner for the MCP server's tests: fixed agents, a scripted behaviour per run,
// every request recorded; plus a harness that talks to an McpServer through in-memory streams.
#include <condition_variable>
#include <functional>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "cli/mcp/mcp_server.hpp"
#include "engine/task_runner.hpp"

namespace agentry::cli::mcp::testing {

using nlohmann::json;

inline agents::AgentDefinition make_agent(std::string name, agents::AgentMode mode,
                                          std::string description = "") {
  agents::AgentDefinition d;
  d.name = std::move(name);
  d.mode = mode;
  d.description = description.empty() ? "does " + d.name + " things" : std::move(description);
  return d;
}

/// A finished run answering `answer`.
inline engine::RunResult finished(const engine::TaskRequest& request, std::string answer) {
  engine::RunResult r;
  r.session_id = request.session_id.empty() ? "sess-" + request.agent : request.session_id;
  r.agent = request.agent;
  r.result = std::move(answer);
  r.num_turns = 2;
  r.usage = {100, 20, 0, 0};
  r.cost_usd = 0.5;
  r.duration = std::chrono::milliseconds(7);
  return r;
}

class FakeRunner : public engine::TaskRunner {
 public:
  using Behaviour = std::function<Result<engine::RunResult>(const engine::TaskRequest&,
                                                            engine::EventSink&, std::stop_token)>;

  explicit FakeRunner(std::vector<agents::AgentDefinition> defs) : defs_(std::move(defs)) {
    behaviour = [](const engine::TaskRequest& r, engine::EventSink&, std::stop_token) {
      return Result<engine::RunResult>(finished(r, "done: " + r.task));
    };
  }

  std::vector<const agents::AgentDefinition*> agents() const override {
    std::vector<const agents::AgentDefinition*> out;
    for (const auto& d : defs_)
      out.push_back(&d);
    return out;
  }

  Result<engine::RunResult> run(const engine::TaskRequest& request, engine::EventSink& events,
                                std::stop_token stop) override {
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    return behaviour(request, events, std::move(stop));
  }

  std::vector<engine::TaskRequest> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  Behaviour behaviour;

 private:
  std::vector<agents::AgentDefinition> defs_;
  std::mutex mutex_;
  std::vector<engine::TaskRequest> requests_;
};

/// Counts arrivals; lets a test wait for N of them without sleeping. Waits are bounded only so
/// that a broken server fails the test instead of hanging it.
class Gate {
 public:
  void arrive() {
    std::lock_guard lock(mutex_);
    ++count_;
    cv_.notify_all();
  }
  /// True when `n` arrivals happened.
  bool wait_for(int n) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, kBound, [&] { return count_ >= n; });
  }
  /// Waits for one arrival or for `stop`; true when stopped.
  bool wait_or_stop(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, stop, kBound, [&] { return count_ >= 1; });
    return stop.stop_requested();
  }
  int count() {
    std::lock_guard lock(mutex_);
    return count_;
  }

 private:
  static constexpr std::chrono::seconds kBound{20};
  std::mutex mutex_;
  std::condition_variable_any cv_;
  int count_ = 0;
};

struct Harness {
  explicit Harness(std::vector<agents::AgentDefinition> defs, ServerOptions options = {})
      : runner(std::move(defs)) {
    if (options.roots.empty()) options.roots.push_back(std::filesystem::current_path());
    auto made = McpServer::create(runner, std::move(options), out, nullptr);
    REQUIRE_MESSAGE(made.has_value(), (made ? "" : made.error().to_string()));
    server = std::move(*made);
  }

  void send(const json& message) { server->handle_line(message.dump()); }
  void send_raw(std::string_view line) { server->handle_line(line); }
  json request(const json& id, const std::string& method, json params = json::object()) {
    return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
  }
  void initialize(const std::string& version = "2025-11-25") {
    send(request(0, "initialize",
                 {{"protocolVersion", version},
                  {"capabilities", json::object()},
                  {"clientInfo", {{"name", "test"}, {"version", "1"}}}}));
    send({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
  }
  void call(const json& id, const std::string& tool, json arguments, json token = nullptr) {
    json params{{"name", tool}, {"arguments", std::move(arguments)}};
    if (!token.is_null()) params["_meta"] = {{"progressToken", token}};
    send(request(id, "tools/call", std::move(params)));
  }

  /// Every message written so far, after the running calls have finished.
  std::vector<json> messages() {
    server->wait_idle();
    std::vector<json> all;
    std::istringstream lines(out.str());
    for (std::string line; std::getline(lines, line);)
      all.push_back(json::parse(line));
    return all;
  }
  /// The response with `id`; null when there is none.
  json response(const json& id) {
    for (auto& m : messages())
      if (m.contains("id") && m["id"] == id && !m.contains("method")) return m;
    return nullptr;
  }

  FakeRunner runner;
  std::ostringstream out;
  std::unique_ptr<McpServer> server;
};

}  // namespace agentry::cli::mcp::testing
