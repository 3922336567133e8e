#include "engine/router.hpp"

#include <doctest/doctest.h>

#include "engine/fakes.hpp"
#include "support/temp_dir.hpp"

namespace agentry::engine {

namespace {

agents::AgentDefinition def(std::string name, std::string description) {
  agents::AgentDefinition d;
  d.name = std::move(name);
  d.description = std::move(description);
  d.mode = agents::AgentMode::kSubagent;
  return d;
}

testing::FakeCatalog catalog() {
  testing::FakeCatalog c;
  c.add(
      def("rust-pro", "Master production Rust with ownership, borrowing, clippy lints and cargo"));
  c.add(def("python-pro", "Master Python with type hints, pytest and packaging"));
  c.add(def("sql-pro", "Write and optimise SQL queries and database schemas"));
  return c;
}

}  // namespace

TEST_CASE("route_words drops stop words and stems") {
  CHECK(route_words("Fix the clippy lints in my crate") ==
        std::vector<std::string>{"fix", "clippy", "lint", "crate"});
}

TEST_CASE("an agent named in the task takes it") {
  auto c = catalog();
  auto r = route_task(c, "ask @sql-pro to look at this", "/nonexistent");
  REQUIRE(r.agent != nullptr);
  CHECK(r.agent->name == "sql-pro");
  CHECK(r.clear);
  CHECK(r.reason == "the task names the agent 'sql-pro'");
}

TEST_CASE("a name inside another word does not count") {
  auto c = catalog();
  auto r = route_task(c, "mysql-prodigy setup", "/nonexistent");
  CHECK((r.agent == nullptr || r.agent->name != "sql-pro"));
}

TEST_CASE("description words route a clear task") {
  auto c = catalog();
  auto r = route_task(c, "fix the clippy lints and the borrowing error", "/nonexistent");
  REQUIRE(r.agent != nullptr);
  CHECK(r.agent->name == "rust-pro");
  CHECK(r.clear);
  CHECK(r.candidates.at(0).matched.size() == 3);
}

TEST_CASE("a Cargo.toml in the workspace leans towards Rust agents") {
  auto c = catalog();
  agentry::testing::TempDir dir;
  auto without = route_task(c, "optimise this", dir.path());
  CHECK(without.agent == nullptr);
  dir.write("Cargo.toml", "[package]\nname = \"x\"\n");
  auto with = route_task(c, "optimise the hot loop", dir.path());
  REQUIRE(!with.candidates.empty());
  CHECK(with.candidates[0].agent->name == "rust-pro");
}

TEST_CASE("a Cargo.toml alone does not route a task that asks for nothing an agent does") {
  auto c = catalog();
  agentry::testing::TempDir dir;
  dir.write("Cargo.toml", "[package]\nname = \"x\"\n");
  for (const char* task : {"hello", "thanks!", "what time is it"}) {
    CAPTURE(task);
    auto r = route_task(c, task, dir.path());
    CHECK(r.agent == nullptr);
    CHECK_FALSE(r.clear);
    CHECK(r.candidates.empty());
  }
}

TEST_CASE("an unclear task is left to the model") {
  auto c = catalog();
  auto r = route_task(c, "write a poem", "/nonexistent");
  CHECK(r.agent == nullptr);
  CHECK_FALSE(r.clear);
  CHECK(r.reason.find("the model decides") != std::string::npos);
}

}  // namespace agentry::engine
