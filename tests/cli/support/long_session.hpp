#pragma once
// Long sessions for issue 17's end-to-end tests and benchmark: a crate of large source files, a
// scripted model that reads them one turn at a time (each result ~20 KB), answers any call that
// offers no tools (a compaction's summary) with a summary, and ends with a final answer; the
// agentry config that points a provider at the fake; and the stream-json events that say what
// the context did.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fakellm/fake_llm_server.hpp"

namespace agentry::cli::e2e {

inline constexpr const char* kFinalAnswer = "FINAL: all parts reviewed, the crate is in order.";
inline constexpr const char* kSummary =
    "SUMMARY: the task is a review of src/part_*.rs; parts read so far hold only generated "
    "arithmetic functions; nothing was changed; the crate builds; what is left: the next parts.";

/// A crate without dependencies: src/lib.rs declaring `files` modules src/part_N.rs of about
/// `bytes` bytes each (generated functions with their doc comments, different in every file).
inline void write_large_crate(const std::filesystem::path& ws, int files, std::size_t bytes) {
  namespace fs = std::filesystem;
  fs::create_directories(ws / "src");
  std::ofstream(ws / "Cargo.toml")
      << "[package]\nname = \"longread\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n"
         "[dependencies]\n";
  std::ofstream lib(ws / "src" / "lib.rs");
  for (int f = 0; f < files; ++f) {
    lib << fmt::format("pub mod part_{};\n", f);
    std::string text = fmt::format("//! Part {} of the generated arithmetic.\n\n", f);
    for (int n = 0; text.size() < bytes; ++n) {
      text += fmt::format(
          "/// Returns the checksum contribution of record {1} in part {0}: the value multiplied "
          "by\n/// its weight, rotated so that neighbouring records never collide in the "
          "accumulator.\npub fn contribution_{0}_{1}(value: u64, weight: u64) -> u64 {{\n"
          "    value.wrapping_mul(weight + {1}).rotate_left({2})\n}}\n\n",
          f, n, (n + f) % 63 + 1);
    }
    std::ofstream(ws / "src" / fmt::format("part_{}.rs", f)) << text;
  }
}

/// The script: `turns` reads of src/part_(i mod files).rs, then kFinalAnswer; a request that
/// offers no tools gets kSummary whenever it comes. `server` is the script's `server:` mapping.
inline std::string long_session_script(int turns, int files, const nlohmann::json& server) {
  nlohmann::json list = nlohmann::json::array();
  list.push_back({{"when", {{"tools", false}}}, {"text", kSummary}});
  for (int i = 0; i < turns; ++i) {
    list.push_back({{"text", fmt::format("Reading part {}.", i % files)},
                    {"tool_calls",
                     {{{"id", fmt::format("call_{}", i + 1)},
                       {"name", "read_file"},
                       {"arguments", {{"path", fmt::format("src/part_{}.rs", i % files)}}}}}}});
  }
  list.push_back({{"text", kFinalAnswer}});
  return nlohmann::json{{"server", server}, {"turns", list}}.dump();
}

/// An agentry config whose default provider `fake` (of `kind`) is the fake server, with
/// `extra` YAML lines added to the provider's mapping (each indented by four spaces).
inline std::string fake_provider_config(const std::string& kind,
                                        const fakellm::FakeLlmServer& server,
                                        const std::string& extra = {}, int max_steps = 400) {
  std::string base_url = kind == "openai" ? server.url("/v1") : server.url();
  return fmt::format(
      "max_steps: {}\ndefault_provider: fake\nproviders:\n  fake:\n    kind: {}\n"
      "    base_url: \"{}\"\n    model: fake-model\n{}",
      max_steps, kind, base_url, extra);
}

/// The stream-json events of type `type`.
inline std::vector<nlohmann::json> events_of(const std::vector<nlohmann::json>& events,
                                             const std::string& type) {
  std::vector<nlohmann::json> out;
  for (const auto& e : events)
    if (e.value("type", "") == type) out.push_back(e);
  return out;
}

/// The index of the script's last turn (the final answer) for long_session_script(turns, …).
inline int final_turn_index(int turns) {
  return turns + 1;
}

}  // namespace agentry::cli::e2e
