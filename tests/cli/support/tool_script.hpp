#pragma once
// For end-to-end tests of tool calls: a scripted model that calls tools one turn at a time, what
// those calls returned to it, a small crate to run them on, and whether bubblewrap works here.
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/support/agentry_harness.hpp"
#include "tools/process_runner.hpp"
#include "tools/sandbox.hpp"

namespace agentry::cli::e2e {

/// A script of turns, each calling one tool, then a closing text (JSON is YAML).
inline std::string script_of(const std::vector<std::pair<std::string, json>>& calls,
                             const std::string& closing = "done") {
  json turns = json::array();
  int n = 0;
  for (const auto& [tool, args] : calls)
    turns.push_back(
        {{"tool_calls",
          {{{"id", fmt::format("call_{}", ++n)}, {"name", tool}, {"arguments", args}}}}});
  turns.push_back({{"text", closing}});
  return turns.dump();
}

/// What each tool call returned to the model, in order (from the last request it received).
inline std::vector<std::string> tool_results(const fakellm::FakeLlmServer& server) {
  std::vector<std::string> out;
  auto requests = server.requests();
  if (requests.empty()) return out;
  for (const auto& m : requests.back().json.value("messages", json::array()))
    if (m.value("role", "") == "tool") out.push_back(m.value("content", ""));
  return out;
}

/// A crate with one passing test, and `build_rs` as its build script when given.
inline void write_crate(const fs::path& ws, const std::string& name,
                        const std::string& build_rs = {}) {
  std::ofstream(ws / "Cargo.toml") << fmt::format(
      "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n",
      name);
  fs::create_directories(ws / "src");
  std::ofstream(ws / "src" / "lib.rs")
      << "pub fn answer() -> u32 {\n    42\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n"
         "    fn it_works() {\n        assert_eq!(super::answer(), 42);\n    }\n}\n";
  if (!build_rs.empty()) std::ofstream(ws / "build.rs") << build_rs;
}

/// True when bubblewrap can sandbox here; else the test says it is skipped.
inline bool sandbox_available(const AgentryHome& home) {
  tools::PosixProcessRunner runner;
  Environment env;
  for (const auto& [k, v] : home.env(""))
    env.set(k, v);
  auto probe = tools::Sandbox::probe(runner, env);
  if (!probe) MESSAGE("skipped: bubblewrap cannot run here: " << probe.error().to_string());
  return probe.has_value();
}

}  // namespace agentry::cli::e2e
