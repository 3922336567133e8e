// Context windows: the built-in table, the config's precedence over it, the lazy one-time server
// probe, and lowering a window after a context error.
#include "llm/context_window.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/config.hpp"
#include "llm/provider.hpp"
#include "llm/provider_config.hpp"

namespace agentry::llm {
namespace {

struct Row {
  const char* model;
  int window;
  int budget;
};

TEST_CASE("the table knows the well-known families, whatever prefix or spelling the id has") {
  const std::vector<Row> rows = {
      {"claude-sonnet-4-5", 200'000, 16'384},
      {"claude-sonnet-4-5-20250929", 200'000, 16'384},
      {"anthropic/claude-sonnet-4", 200'000, 16'384},
      {"anthropic/claude-3.5-sonnet", 200'000, 8'192},
      {"us.anthropic.claude-3-7-sonnet-20250219-v1:0", 200'000, 16'384},
      {"claude-opus-4-1-20250805", 200'000, 16'384},
      {"claude-3-haiku-20240307", 200'000, 4'096},
      {"claude-haiku-4-5", 200'000, 16'384},
      {"Claude-2.1", 200'000, 8'192},
      {"gpt-4.1", 1'047'576, 16'384},
      {"openai/gpt-4.1-mini", 1'047'576, 16'384},
      {"gpt-4o", 128'000, 16'384},
      {"gpt-4o-mini-2024-07-18", 128'000, 16'384},
      {"gpt-5", 400'000, 16'384},
      {"gpt-5-mini", 400'000, 16'384},
      {"gpt-5-chat-latest", 128'000, 16'384},
      {"o1", 200'000, 16'384},
      {"o1-mini", 128'000, 16'384},
      {"o3-mini", 200'000, 16'384},
      {"o4-mini", 200'000, 16'384},
      {"openai/o3", 200'000, 16'384},
      {"gemini-2.5-pro", 1'048'576, 16'384},
      {"google/gemini-2.0-flash-001", 1'048'576, 8'192},
      {"gemini-1.5-pro", 2'097'152, 8'192},
      {"deepseek-chat", 128'000, 8'192},
      {"deepseek-reasoner", 128'000, 16'384},
      {"deepseek-ai/DeepSeek-R1", 128'000, 16'384},
      {"qwen2.5-coder:32b", 32'768, 8'192},
      {"Qwen/Qwen2.5-72B-Instruct", 32'768, 8'192},
      {"qwen3:8b", 32'768, 8'192},
      {"Qwen/Qwen3-Coder-480B-A35B-Instruct", 262'144, 16'384},
      {"meta-llama/Llama-3.3-70B-Instruct", 131'072, 8'192},
      {"llama3.1:8b", 131'072, 8'192},
      {"llama-3.2-3b-preview", 131'072, 8'192},
      {"llama3:8b", 8'192, 2'048},
  };
  for (const auto& row : rows) {
    CAPTURE(row.model);
    ContextLimits limits = static_context_limits({}, row.model);
    CHECK(limits.from == WindowSource::kTable);
    CHECK(limits.window == row.window);
    CHECK(limits.output_budget == row.budget);
  }
}

TEST_CASE("ids no family matches get the documented default, short keys match only as prefixes") {
  for (const char* model : {"my-finetune", "foo1-mini", "mistral-large-latest", "phi-4", ""}) {
    CAPTURE(model);
    ContextLimits limits = static_context_limits({}, model);
    CHECK(limits.from == WindowSource::kDefault);
    CHECK(limits.window == kDefaultWindow);
    CHECK(limits.output_budget == kDefaultOutputBudget);
  }
  CHECK(normalised_model_id("meta-llama/Llama-3.1_8B") == "llama-3-1-8b");
  CHECK_FALSE(family_window("pro1-model").has_value());
}

TEST_CASE("the config wins over the table: a per-model window, then one for every model") {
  ContextSettings s;
  s.window = 65'536;
  s.per_model = {{"claude-sonnet-4-5", 32'000}, {"Local/Model.V2", 8'192}};
  s.source = "config.yaml:7:5";

  ContextLimits per_model = static_context_limits(s, "claude-sonnet-4-5");
  CHECK(per_model.window == 32'000);
  CHECK(per_model.from == WindowSource::kConfig);
  CHECK(per_model.source == "config (config.yaml:7:5)");
  CHECK(per_model.output_budget == 8'000);  // the family's output, at most a quarter

  CHECK(static_context_limits(s, "local/model.v2").window == 8'192);  // spelled differently
  CHECK(static_context_limits(s, "gpt-4o").window == 65'536);
  CHECK(static_context_limits(s, "unknown").window == 65'536);

  s.max_tokens = 2'000;
  CHECK(static_context_limits(s, "gpt-4o").output_budget == 2'000);
  s.max_tokens = 50'000;  // more than half the window asks for too much
  CHECK(static_context_limits(s, "gpt-4o").output_budget == 32'768);
}

TEST_CASE("providers.NAME.context_window is read as an integer or a mapping, and checked") {
  auto load = [](std::string_view text) {
    auto c = Config::from_yaml(text, "/p/config.yaml");
    REQUIRE(c.has_value());
    return load_llm_config(*c, Environment{});
  };
  auto scalar = load(
      "providers:\n  l:\n    kind: openai\n    context_window: 131072\n"
      "    max_tokens: 1000\n");
  REQUIRE(scalar.has_value());
  const auto& p = scalar->providers[0];
  CHECK(p.context.window == 131'072);
  CHECK(p.context.max_tokens == 1'000);
  CHECK(p.context.source == "/p/config.yaml:4:21");

  auto mapping =
      load("providers:\n  l:\n    kind: openai\n    context_window: {a: 4096, b/c: 8192}\n");
  REQUIRE(mapping.has_value());
  CHECK(mapping->providers[0].context.per_model ==
        std::map<std::string, int>{{"a", 4096}, {"b/c", 8192}});
  CHECK_FALSE(mapping->providers[0].context.window.has_value());

  for (const char* bad : {"context_window: 100", "context_window: lots", "context_window: 1.5e5",
                          "context_window: {a: -1}"}) {
    CAPTURE(bad);
    auto r = load(fmt::format("providers:\n  l:\n    kind: openai\n    {}\n", bad));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == ErrorCode::kConfig);
    CHECK(r.error().message.find("context_window") != std::string::npos);
    CHECK(r.error().where.starts_with("/p/config.yaml:4:"));
  }
}

TEST_CASE("the server is asked once per model, only when nothing else knows the window") {
  std::atomic<int> asked = 0;
  ContextWindows windows({}, [&](std::string_view model, std::stop_token) {
    ++asked;
    return model == "served" ? std::optional<ServerWindow>({16'384, "GET /props n_ctx"})
                             : std::nullopt;
  });
  auto known = windows.limits("gpt-4o", {});
  REQUIRE(known.has_value());
  CHECK(known->from == WindowSource::kTable);
  CHECK(asked == 0);

  auto served = windows.limits("served", {});
  REQUIRE(served.has_value());
  CHECK(served->window == 16'384);
  CHECK(served->output_budget == 4'096);
  CHECK(served->from == WindowSource::kServer);
  CHECK(served->source == "server (GET /props n_ctx)");

  auto silent = windows.limits("silent", {});
  REQUIRE(silent.has_value());
  CHECK(silent->from == WindowSource::kDefault);
  CHECK(asked == 2);
  for (int i = 0; i < 3; ++i) {
    CHECK(windows.limits("served", {})->window == 16'384);
    CHECK(windows.limits("silent", {})->window == kDefaultWindow);
  }
  CHECK(asked == 2);  // a failed probe is not repeated either
}

TEST_CASE("parallel callers share one probe") {
  std::atomic<int> asked = 0;
  ContextWindows windows({}, [&](std::string_view, std::stop_token) {
    ++asked;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return std::optional<ServerWindow>({50'000, "test"});
  });
  std::vector<std::jthread> threads;
  std::atomic<int> right = 0;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (windows.limits("m", {})->window == 50'000) ++right;
    });
  }
  threads.clear();
  CHECK(asked == 1);
  CHECK(right == 8);
}

TEST_CASE("a probe stopped by the user is an error and is not remembered") {
  int asked = 0;
  std::stop_source stop;
  ContextWindows windows({}, [&](std::string_view, std::stop_token) {
    ++asked;
    if (asked == 1) stop.request_stop();
    return std::optional<ServerWindow>();
  });
  auto cancelled = windows.limits("m", stop.get_token());
  REQUIRE_FALSE(cancelled.has_value());
  CHECK(cancelled.error().code == ErrorCode::kCancelled);
  CHECK(windows.limits("m", {}).has_value());
  CHECK(asked == 2);
}

TEST_CASE("a window is only ever lowered, per model, and the budget shrinks with it") {
  ContextWindows windows;
  ContextLimits lowered = windows.lower("claude-sonnet-4-5", 150'000);
  CHECK(lowered.window == 150'000);
  CHECK(lowered.from == WindowSource::kLowered);
  CHECK(lowered.output_budget == 16'384);
  CHECK(lowered.source.find("lowered from 200000") != std::string::npos);
  CHECK(windows.limits("claude-sonnet-4-5", {})->window == 150'000);
  CHECK(windows.limits("claude-opus-4-1", {})->window == 200'000);  // another model: untouched

  CHECK(windows.lower("claude-sonnet-4-5", 180'000).window == 150'000);  // never raised
  CHECK(windows.lower("claude-sonnet-4-5", 0).window == 150'000);
  ContextLimits small = windows.lower("claude-sonnet-4-5", 32'000);
  CHECK(small.window == 32'000);
  CHECK(small.output_budget == 8'000);
}

TEST_CASE("a Provider's default knows the table and remembers lowered windows") {
  struct Fake : Provider {
    Result<Completion> complete(const CompletionRequest&, const StreamSink&,
                                std::stop_token) override {
      return fail(ErrorCode::kInternal, "unused");
    }
    const std::string& name() const override { return name_; }
    std::string name_ = "fake";
  } fake;
  CHECK(fake.context_limits("gpt-4.1", {})->window == 1'047'576);
  CHECK(fake.lower_context_window("gpt-4.1", 500'000).window == 500'000);
  CHECK(fake.context_limits("gpt-4.1", {})->from == WindowSource::kLowered);
}

}  // namespace
}  // namespace agentry::llm
