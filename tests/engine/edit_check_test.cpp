// The engine's side of diagnostics after every edit: when the EditCheck runs, over which calls,
// and where its text lands.
#include <mutex>

#include <doctest/doctest.h>

#include "engine/engine.hpp"
#include "engine/fakes.hpp"
#include "engine/rig.hpp"

namespace agentry::engine {

using testing::agent;
using testing::call;
using testing::Rig;

namespace {

/// Records every check and answers with the ids of the calls it was given.
class FakeEditCheck final : public EditCheck {
 public:
  std::string after_edits(const std::string& session_id, const std::vector<ToolCall>& calls,
                          const tools::ToolContext& context,
                          std::filesystem::file_time_type) override {
    std::lock_guard lock(mutex_);
    std::string ids;
    for (const auto& c : calls)
      ids += (ids.empty() ? "" : ",") + c.id;
    checks.push_back(ids);
    sessions.push_back(session_id);
    workspaces.push_back(context.workspace);
    return "\n\nCHECKED " + ids;
  }
  std::mutex mutex_;
  std::vector<std::string> checks;
  std::vector<std::string> sessions;
  std::vector<std::filesystem::path> workspaces;
};

/// A rig with a writer agent (check_after_edit as given) and the fake check wired in.
struct CheckRig {
  Rig rig;
  FakeEditCheck check;

  explicit CheckRig(std::optional<bool> check_after_edit, bool config_default = false) {
    auto writer = agent("writer", agents::AgentMode::kPrimary);
    writer.check_after_edit = check_after_edit;
    rig.catalog.add(writer);
    rig.limits.check_after_edit = config_default;
    rig.tools.handler = [](const ToolCall& c, const tools::ToolContext&) -> Result<ToolResult> {
      return ToolResult{c.id, c.name, "ok " + c.id, c.id.starts_with("bad")};
    };
  }
  /// Runs one turn of `calls`, then a final answer; the tool results the model read.
  std::vector<ToolResult> turn(std::vector<ToolCall> calls) {
    rig.provider->push_calls(std::move(calls));
    rig.provider->push_text("done");
    rig.make().set_edit_check(&check);
    RunRequest r;
    r.agent = "writer";
    r.task = "edit";
    r.cwd = std::filesystem::temp_directory_path();
    auto run = rig.engine->run(r, {});
    REQUIRE(run);
    return rig.provider->requests().at(1).messages.at(2).tool_results;
  }
};

}  // namespace

TEST_CASE("parallel edits in one turn share one check, appended to the last writing call") {
  CheckRig t(true);
  auto results = t.turn({call("e1", "edit_file", {{"path", "src/a.rs"}}),
                         call("r1", "read_file", {{"path", "a"}}),
                         call("e2", "write_file", {{"path", "src/b.rs"}}),
                         call("r2", "cargo_clippy", nlohmann::json::object())});
  REQUIRE(t.check.checks.size() == 1);
  CHECK(t.check.checks[0] == "e1,e2");
  CHECK(t.check.workspaces[0] == std::filesystem::temp_directory_path());
  REQUIRE(results.size() == 4);
  CHECK(results[0].content == "ok e1");
  CHECK(results[1].content == "ok r1");
  CHECK(results[2].content == "ok e2\n\nCHECKED e1,e2");
  CHECK(results[3].content == "ok r2");
  // The event front-ends show carries the check too.
  auto finished = t.rig.events.of<ToolCallFinished>();
  auto e2 = std::find_if(finished.begin(), finished.end(),
                         [](const ToolCallFinished& f) { return f.call.id == "e2"; });
  REQUIRE(e2 != finished.end());
  CHECK(e2->result.content == "ok e2\n\nCHECKED e1,e2");
}

TEST_CASE("a failed edit is left out of the check, and a failed last edit still carries it") {
  CheckRig t(true);
  auto results = t.turn({call("e1", "edit_file", {{"path", "src/a.rs"}}),
                         call("bad2", "edit_file", {{"path", "src/b.rs"}})});
  REQUIRE(t.check.checks.size() == 1);
  CHECK(t.check.checks[0] == "e1");
  CHECK(results[0].content == "ok e1");
  CHECK(results[1].content == "ok bad2\n\nCHECKED e1");
  CHECK(results[1].is_error);
}

TEST_CASE("no check when every edit failed or the turn only read") {
  CheckRig failed(true);
  failed.turn({call("bad1", "edit_file", {{"path", "src/a.rs"}})});
  CHECK(failed.check.checks.empty());
  CheckRig reading(true);
  reading.turn({call("r1", "read_file", {{"path", "a"}})});
  CHECK(reading.check.checks.empty());
}

TEST_CASE("check_after_edit: the agent's own value wins over the config's, which defaults to off") {
  auto checks_of = [](std::optional<bool> agent_value, bool config_default) {
    CheckRig t(agent_value, config_default);
    t.turn({call("e1", "edit_file", {{"path", "src/a.rs"}})});
    return t.check.checks.size();
  };
  CHECK(checks_of(std::nullopt, false) == 0);
  CHECK(checks_of(std::nullopt, true) == 1);
  CHECK(checks_of(false, true) == 0);
  CHECK(checks_of(true, false) == 1);
}

}  // namespace agentry::engine
