#pragma once
// An engine wired over the fakes of fakes.hpp with the repo's real prompts/, for the loop's tests.
#include <spdlog/sinks/null_sink.h>

#include "core/build_paths.hpp"
#include "engine/fakes.hpp"

namespace agentry::engine::testing {

inline agents::AgentDefinition agent(std::string name, agents::AgentMode mode,
                                     std::optional<std::vector<std::string>> tools = std::nullopt) {
  agents::AgentDefinition d;
  d.name = std::move(name);
  d.description = "does " + d.name + " things";
  d.mode = mode;
  d.tools = std::move(tools);
  d.prompt = "You are " + d.name + ".";
  return d;
}

/// Wires an engine over fakes with the repo's real prompts/.
struct Rig {
  std::shared_ptr<testing::ScriptedProvider> provider =
      std::make_shared<testing::ScriptedProvider>();
  testing::FakeModels models{provider};
  testing::FakeTools tools;
  testing::FakeCatalog catalog;
  testing::MemorySessions sessions;
  testing::EventLog events;
  PromptBuilder prompts{std::filesystem::path(AGENTRY_SOURCE_DIR) / "prompts",
                        [](const std::vector<std::string>&, const std::filesystem::path&) {
                          return std::optional<std::string>();
                        }};
  EngineLimits limits;
  std::shared_ptr<spdlog::logger> log =
      std::make_shared<spdlog::logger>("t", std::make_shared<spdlog::sinks::null_sink_mt>());
  std::unique_ptr<Engine> engine;

  Rig() {
    catalog.add(agent("orchestrator", agents::AgentMode::kPrimary));
    catalog.add(agent("rust-pro", agents::AgentMode::kSubagent,
                      std::vector<std::string>{"read_file", "cargo_clippy"}));
  }
  Engine& make() {
    engine =
        std::make_unique<Engine>(catalog, models, tools, &sessions, prompts, events, limits, log);
    return *engine;
  }
  Result<RunResult> run(std::string task, std::string agent_name = "", std::stop_token stop = {}) {
    RunRequest r;
    r.agent = std::move(agent_name);
    r.task = std::move(task);
    r.cwd = std::filesystem::temp_directory_path();
    return make().run(r, stop);
  }
};

}  // namespace agentry::engine::testing
