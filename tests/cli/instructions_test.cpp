// Issue 21, project instructions end to end: the real `agentry` in a repository with nested
// AGENTS.md files, an import, the user's CLAUDE.md and a refused import. `agentry context` shows
// each piece with its tokens; the first request the scripted model receives carries them in the
// system prompt, a subagent's too, and not that of a subagent with `instructions: false`.
#include <fstream>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "cli/support/agentry_harness.hpp"

namespace agentry::cli {
namespace {

using e2e::AgentryHome;
using nlohmann::json;
namespace fs = std::filesystem;

/// ws/ as a repository with instructions at its root (importing docs/style.md) and in crate/,
/// the user's ~/.claude/CLAUDE.md, and a subagent that opts out. The commands run in ws/crate.
struct InstructedHome : AgentryHome {
  InstructedHome() {
    fs::create_directories(ws() / ".git");
    write(ws() / "AGENTS.md",
          "ROOT-MARKER: run cargo test before you finish.\nStyle: @docs/style.md\n");
    write(ws() / "docs/style.md", "STYLE-MARKER: iterators, not index loops.\n");
    write(ws() / "crate/AGENTS.md", "CRATE-MARKER: never edit generated.rs.\n@../../outside.md\n");
    write(root() / "outside.md", "OUTSIDE-MARKER\n");
    write(root() / "home/.claude/CLAUDE.md", "USER-MARKER: answer briefly.\n");
    write(ws() / ".agentry/agents/quiet.md",
          "---\ndescription: A helper that reads no instructions\nmode: subagent\n"
          "instructions: false\n---\nQUIET-PROMPT\n");
  }

  static void write(const fs::path& path, std::string_view text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }

  testing::ProcessOutcome run_in_crate(std::vector<std::string> args,
                                       const fakellm::FakeLlmServer* server) const {
    auto options = spawn_options(std::move(args), server);
    options.argv[2] = (ws() / "crate").string();  // --cwd
    return testing::run_process(options);
  }
};

const json* piece_named(const json& report, const std::string& name) {
  for (const auto& piece : report["system"])
    if (piece["name"] == name) return &piece;
  return nullptr;
}

std::vector<std::string> part_names(const json& piece) {
  std::vector<std::string> out;
  for (const auto& part : piece["parts"])
    out.push_back(part["name"]);
  return out;
}

/// The system message of the first model request whose system prompt names `agent`.
std::string system_prompt_of(const std::vector<fakellm::RecordedRequest>& requests,
                             const std::string& agent) {
  for (const auto& r : requests) {
    if (r.method != "POST" || !r.json.contains("messages")) continue;
    const auto& first = r.json["messages"][0];
    if (first["role"] != "system") continue;
    std::string text = first["content"];
    if (text.find("You are " + agent + ",") != std::string::npos) return text;
  }
  return {};
}

}  // namespace

TEST_CASE("context: each piece, instructions file and tool with its tokens, and a total") {
  InstructedHome home;
  auto r = home.run_in_crate({"context", "--agent", "rust-pro"}, nullptr);
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  for (const char* line :
       {"What agent `rust-pro` sends the model before the task", "system prompt", "  base ",
        "  environment ", "  agent ", "  instructions ", "    ~/.claude/CLAUDE.md ",
        "    AGENTS.md ", "    docs/style.md ", "imported by AGENTS.md", "    crate/AGENTS.md ",
        "tools (", "  read_file ", "total ", "warnings:",
        "crate/AGENTS.md:2: @../../outside.md not imported: it is outside the "
        "project"})
    CHECK_MESSAGE(r.out.find(line) != std::string::npos, line);
  CHECK(r.out.find("MARKER") == std::string::npos);  // the texts only with --full

  auto full = home.run_in_crate({"context", "--agent", "rust-pro", "--full"}, nullptr);
  REQUIRE(full.exit_code == 0);
  CHECK(full.out.find("## docs/style.md (imported by AGENTS.md)\n\nSTYLE-MARKER") !=
        std::string::npos);
  CHECK(full.out.find("OUTSIDE-MARKER") == std::string::npos);
}

TEST_CASE("context --json: the pieces as sent, counted, in the order the engine sends them") {
  InstructedHome home;
  auto r = home.run_in_crate({"context", "--agent", "rust-pro", "--json"}, nullptr);
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  json report = json::parse(r.out);
  CHECK(report["agent"] == "rust-pro");
  CHECK(report["cwd"] == fs::canonical(home.ws() / "crate").string());
  std::vector<std::string> names;
  for (const auto& piece : report["system"])
    names.push_back(piece["name"]);
  CHECK(names == std::vector<std::string>{"base", "environment", "agent", "instructions"});
  const json* instructions = piece_named(report, "instructions");
  REQUIRE(instructions != nullptr);
  CHECK(part_names(*instructions) == std::vector<std::string>{"~/.claude/CLAUDE.md", "AGENTS.md",
                                                              "docs/style.md", "crate/AGENTS.md"});
  std::string text = (*instructions)["text"];
  for (const char* marker : {"USER-MARKER", "ROOT-MARKER", "STYLE-MARKER", "CRATE-MARKER"})
    CHECK(text.find(marker) != std::string::npos);
  CHECK(text.find("OUTSIDE-MARKER") == std::string::npos);
  CHECK((*instructions)["tokens"].get<int>() > 0);
  REQUIRE(report["warnings"].size() == 1);

  std::int64_t tools = 0;
  for (const auto& tool : report["tools"]) {
    CHECK(tool["tokens"].get<int>() > 0);
    CHECK(tool["schema"]["name"] == tool["name"]);
    tools += tool["tokens"].get<std::int64_t>();
  }
  CHECK(report["tools"].size() >= 5);
  CHECK(report["tools_tokens"].get<std::int64_t>() <= tools);  // each rounded up alone
  CHECK(report["total_tokens"] ==
        report["system_tokens"].get<std::int64_t>() + report["tools_tokens"].get<std::int64_t>());

  // The subagent that opts out: no instructions piece.
  auto quiet = home.run_in_crate({"context", "--agent", "quiet", "--json"}, nullptr);
  REQUIRE_MESSAGE(quiet.exit_code == 0, quiet.err);
  CHECK(piece_named(json::parse(quiet.out), "instructions") == nullptr);

  auto unknown = home.run_in_crate({"context", "--agent", "nobody"}, nullptr);
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("no agent named 'nobody'") != std::string::npos);
}

TEST_CASE(
    "run: the first request carries the instructions, a subagent's too, not an opted-out one") {
  InstructedHome home;
  auto server = e2e::start_fake(R"(
turns:
  - tool_calls:
      - id: call_pro
        name: task
        arguments: {description: Check the crate, subagent_type: rust-pro, prompt: "Check it."}
  - text: "RUST-PRO: checked."
  - tool_calls:
      - id: call_quiet
        name: task
        arguments: {description: Say hello, subagent_type: quiet, prompt: "Say hello."}
  - text: "QUIET: hello."
  - text: "All done."
)");
  auto r = home.run_in_crate({"run", "--output-format", "json", "Check the crate."}, server.get());
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out)["result"] == "All done.");
  auto requests = server->requests();

  std::string orchestrator = system_prompt_of(requests, "orchestrator");
  std::string rust_pro = system_prompt_of(requests, "rust-pro");
  std::string quiet = system_prompt_of(requests, "quiet");
  REQUIRE(!orchestrator.empty());
  REQUIRE(!rust_pro.empty());
  REQUIRE(!quiet.empty());
  for (const std::string* prompt : {&orchestrator, &rust_pro}) {
    // The user's first, then the root's, its import, and the crate's: the most specific last.
    auto user = prompt->find("## ~/.claude/CLAUDE.md\n\nUSER-MARKER");
    auto root = prompt->find("## AGENTS.md\n\nROOT-MARKER");
    auto style = prompt->find("## docs/style.md (imported by AGENTS.md)\n\nSTYLE-MARKER");
    auto crate = prompt->find("## crate/AGENTS.md\n\nCRATE-MARKER");
    CHECK(user != std::string::npos);
    CHECK(root > user);
    CHECK(style > root);
    CHECK(crate > style);
    CHECK(crate != std::string::npos);
    CHECK(prompt->find("OUTSIDE-MARKER") == std::string::npos);
  }
  CHECK(quiet.find("QUIET-PROMPT") != std::string::npos);
  CHECK(quiet.find("MARKER") == std::string::npos);
  // The refused import is reported once per process, on stderr (the log's warning).
  CHECK(r.err.find("@../../outside.md not imported") != std::string::npos);
}

}  // namespace agentry::cli
