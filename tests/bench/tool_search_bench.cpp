// What tool search saves (issue 20, "context economy"): one scripted session of an agent offered
// agentry's own tools (tools/*.yaml) and 150 MCP tools from 5 servers (30 each, schemas of the
// size real servers send), over the Anthropic wire to the fake LLM server, whose own tokenizer
// and prompt-cache accounting count each request:
//   BM_ToolSearch/1  tool_search auto: the model searches, then calls the tool found 8 times.
//   BM_ToolSearch/0  tool_search never: every schema in every request; the model calls the tool
//                    8 times (no search turn).
// Counters: requests; prompt tokens of the first, second and last request and per request;
// input, cache reads and writes summed; billable input (input + 1.25 x cache writes + 0.1 x
// cache reads). Token counts, not times: run once (`agentry_bench --benchmark_filter=ToolSearch`);
// each request's prompt, cache reads and cache writes are printed on stderr.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../engine/fakes.hpp"
#include "core/build_paths.hpp"
#include "fakellm/fake_llm_server.hpp"
#include "llm/provider_factory.hpp"
#include "tools/tool_spec_loader.hpp"

namespace tool_search_bench {

using nlohmann::json;
namespace engine = agentry::engine;
namespace fakellm = agentry::fakellm;

constexpr int kCalls = 8;

/// 5 servers of 30 tools: 6 verbs of 5 nouns each, with a description and 4 parameters, about
/// 240 tokens a tool by the fake server's count (real servers' tools run from 80 to 500).
std::vector<agentry::ToolSchema> mcp_tools() {
  const std::vector<std::pair<std::string, std::vector<std::string>>> servers = {
      {"github", {"issue", "pull_request", "branch", "release", "comment"}},
      {"jira", {"ticket", "sprint", "epic", "board", "worklog"}},
      {"postgres", {"table", "row", "index", "view", "migration"}},
      {"slack", {"message", "channel", "thread", "reaction", "user"}},
      {"docs", {"page", "section", "snippet", "glossary_entry", "attachment"}}};
  const std::vector<std::string> verbs = {"list", "get", "create", "update", "delete", "search"};
  std::vector<agentry::ToolSchema> out;
  for (const auto& [server, nouns] : servers) {
    for (const auto& noun : nouns) {
      for (const auto& verb : verbs) {
        json parameters = {
            {"type", "object"},
            {"properties",
             {{"id",
               {{"type", "string"},
                {"description",
                 fmt::format("The {} to {}: its id or its full URL in {}", noun, verb, server)}}},
              {"query",
               {{"type", "string"},
                {"description",
                 fmt::format("Words to match in the {}'s title and body; supports quoted phrases "
                             "and field:value filters",
                             noun)}}},
              {"limit",
               {{"type", "integer"},
                {"minimum", 1},
                {"maximum", 100},
                {"description", "How many results to return at most (default 30)"}}},
              {"fields",
               {{"type", "array"},
                {"items", {{"type", "string"}}},
                {"description", "Which fields to include in the answer; all when left out"}}}}},
            {"required", {"id"}}};
        out.push_back(agentry::ToolSchema{
            fmt::format("mcp__{}__{}_{}", server, verb, noun),
            fmt::format("{} a {} in {}. Use this when the user asks to {} a {}; the answer "
                        "holds the {}'s id, title, state, author, dates and URL. Requires the "
                        "server's token to have access to the {}.",
                        verb, noun, server, verb, noun, noun, noun),
            std::move(parameters)});
      }
    }
  }
  return out;
}

/// The repo's own tools (read from tools/*.yaml) and the MCP tools; every call answers briefly.
class BenchTools final : public engine::ToolHost {
 public:
  BenchTools() {
    if (auto specs =
            agentry::tools::load_tool_specs(std::filesystem::path(AGENTRY_SOURCE_DIR) / "tools")) {
      for (const auto& spec : *specs)
        schemas_.push_back(spec.schema);
    }
    auto more = mcp_tools();
    schemas_.insert(schemas_.end(), more.begin(), more.end());
  }
  std::vector<agentry::ToolSchema> schemas_for(
      const agentry::agents::AgentDefinition&) const override {
    return schemas_;
  }
  agentry::Result<agentry::ToolResult> execute(const agentry::agents::AgentDefinition&,
                                               const agentry::ToolCall& call,
                                               const agentry::tools::ToolContext&) override {
    return agentry::ToolResult{call.id, call.name, R"({"id":"ISSUE-1","state":"open"})", false};
  }
  bool writes(const agentry::ToolCall&) const override { return false; }

 private:
  std::vector<agentry::ToolSchema> schemas_;
};

json script(bool search) {
  json turns = json::array();
  if (search)
    turns.push_back({{"tool_calls",
                      {{{"id", "search"},
                        {"name", "tool_search"},
                        {"arguments", {{"query", "create issue github"}, {"max_results", 3}}}}}}});
  for (int i = 1; i <= kCalls; ++i)
    turns.push_back({{"tool_calls",
                      {{{"id", fmt::format("call{}", i)},
                        {"name", "mcp__github__create_issue"},
                        {"arguments", {{"id", fmt::format("octo/repo#{}", i)}}}}}}});
  turns.push_back({{"text", "Filed the issues."}});
  return json{{"turns", turns}};
}

void BM_ToolSearch(benchmark::State& state) {
  bool search = state.range(0) != 0;
  for (auto _ : state) {
    auto parsed = fakellm::parse_script(script(search));
    if (!parsed) return state.SkipWithError("bad script");
    auto server = fakellm::FakeLlmServer::start(std::move(*parsed));
    if (!server) return state.SkipWithError("fake server did not start");
    agentry::llm::ProviderConfig config;
    config.name = "fake-anthropic";
    config.kind = agentry::llm::ProviderKind::kAnthropic;
    config.base_url = (*server)->url();
    config.model = "fake-model";
    config.context.window = 200000;
    agentry::llm::CurlGlobal curl;
    agentry::Environment env;
    auto provider = agentry::llm::make_provider(config, env, {curl, {}});
    if (!provider) return state.SkipWithError("no provider");

    engine::testing::FakeModels models(
        std::shared_ptr<agentry::llm::Provider>(std::move(*provider)));
    models.price.reset();
    BenchTools tools;
    engine::testing::FakeCatalog catalog;
    agentry::agents::AgentDefinition agent;
    agent.name = "orchestrator";
    agent.mode = agentry::agents::AgentMode::kPrimary;
    agent.prompt = "You file issues.";
    catalog.add(agent);
    engine::testing::EventLog events;
    engine::PromptBuilder prompts(
        std::filesystem::path(AGENTRY_SOURCE_DIR) / "prompts",
        [](const std::vector<std::string>&, const std::filesystem::path&) {
          return std::optional<std::string>();
        });
    engine::EngineLimits limits;
    limits.tool_search.mode =
        search ? engine::ToolSearchMode::kAuto : engine::ToolSearchMode::kNever;
    auto log = std::make_shared<spdlog::logger>("bench");
    engine::Engine engine(catalog, models, tools, nullptr, prompts, events, limits, log);
    engine::RunRequest request;
    request.task = "File an issue on octo/repo for each failing test.";
    request.cwd = std::filesystem::temp_directory_path();
    auto run = engine.run(request, {});
    if (!run) return state.SkipWithError(run.error().to_string().c_str());

    auto counts = (*server)->counts();
    auto totals = (*server)->totals();
    if (counts.size() < 2) return state.SkipWithError("too few requests");
    for (const auto& c : counts)
      fmt::print(stderr, "tool_search {}: request {}: prompt {} cache_read {} cache_write {}\n",
                 search ? "auto" : "never", c.number, c.tokens.prompt, c.tokens.cache_read,
                 c.tokens.cache_write);
    state.counters["requests"] = static_cast<double>(counts.size());
    state.counters["prompt_first"] = static_cast<double>(counts.front().tokens.prompt);
    state.counters["prompt_second"] = static_cast<double>(counts[1].tokens.prompt);
    state.counters["prompt_last"] = static_cast<double>(counts.back().tokens.prompt);
    state.counters["prompt_per_request"] =
        static_cast<double>(totals.prompt) / static_cast<double>(totals.requests);
    state.counters["prompt_total"] = static_cast<double>(totals.prompt);
    state.counters["input"] = static_cast<double>(totals.input);
    state.counters["cache_read"] = static_cast<double>(totals.cache_read);
    state.counters["cache_write"] = static_cast<double>(totals.cache_write);
    state.counters["billable_input"] = static_cast<double>(totals.input) +
                                       1.25 * static_cast<double>(totals.cache_write) +
                                       0.1 * static_cast<double>(totals.cache_read);
  }
}
BENCHMARK(BM_ToolSearch)->Arg(1)->Arg(0)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace tool_search_bench
