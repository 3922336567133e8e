#include "llm/provider_config.hpp"

#include <doctest/doctest.h>

#include "llm/model_selection.hpp"

namespace agentry::llm {
namespace {

Config yaml(std::string_view text) {
  auto c = Config::from_yaml(text, "/home/u/.config/agentry/config.yaml");
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
  return *c;
}

TEST_CASE("no config, only OPENAI_BASE_URL: one keyless openai provider, the default") {
  Environment env;
  env.set("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1");
  auto c = load_llm_config(Config{}, env);
  REQUIRE(c.has_value());
  REQUIRE(c->providers.size() == 2);  // and openai-responses, never the default
  const auto& p = c->providers[0];
  CHECK(p.name == "openai");
  CHECK(p.kind == ProviderKind::kOpenAi);
  CHECK(p.base_url == "http://127.0.0.1:11434/v1");
  CHECK(p.api_key_env.empty());
  CHECK(p.model == "gpt-5-mini");
  CHECK(p.source == "environment (OPENAI_BASE_URL)");
  CHECK(c->default_provider == "openai");
}

TEST_CASE("no config, both pairs set: both providers, anthropic is the default") {
  Environment env;
  env.set("OPENAI_API_KEY", "sk-o");
  env.set("ANTHROPIC_API_KEY", "sk-a");
  env.set("ANTHROPIC_MODEL", "claude-opus-4-1");
  auto c = load_llm_config(Config{}, env);
  REQUIRE(c.has_value());
  REQUIRE(c->providers.size() == 3);
  CHECK(c->default_provider == "anthropic");
  const auto* a = c->find("anthropic");
  REQUIRE(a != nullptr);
  CHECK(a->base_url == "https://api.anthropic.com");
  CHECK(a->api_key_env == "ANTHROPIC_API_KEY");
  CHECK(a->model == "claude-opus-4-1");
  CHECK(c->find("openai")->base_url == "https://api.openai.com/v1");
  CHECK(c->default_source == "both ANTHROPIC_* and OPENAI_* are set: anthropic wins");
}

TEST_CASE("the OPENAI_* pair also gives openai-responses: --model openai-responses/MODEL") {
  Environment env;
  env.set("OPENAI_API_KEY", "sk-o");
  env.set("OPENAI_BASE_URL", "https://api.openai.com/v1");
  auto c = load_llm_config(Config{}, env);
  REQUIRE(c.has_value());
  CHECK(c->default_provider == "openai");
  CHECK(c->default_source == "environment (OPENAI_API_KEY, OPENAI_BASE_URL)");
  const auto* r = c->find("openai-responses");
  REQUIRE(r != nullptr);
  CHECK(r->kind == ProviderKind::kOpenAiResponses);
  CHECK(std::string(to_string(r->kind)) == "openai-responses");
  CHECK(r->base_url == "https://api.openai.com/v1");
  CHECK(r->api_key_env == "OPENAI_API_KEY");
  CHECK(r->model == "gpt-5-codex");  // OPENAI_MODEL, else the kind's default
  auto s = select_model(*c, "openai-responses/gpt-5-codex");
  REQUIRE(s.has_value());
  CHECK(*s == ModelSelection{"openai-responses", "gpt-5-codex"});
  CHECK(select_model(*c, "openai-responses/opus")->model == "gpt-5");
  CHECK(select_model(*c, "openai/gpt-5")->provider == "openai");
  Environment none;
  none.set("ANTHROPIC_API_KEY", "sk-a");
  CHECK(load_llm_config(Config{}, none)->find("openai-responses") == nullptr);
}

TEST_CASE("kind: openai-responses in the config") {
  auto c = load_llm_config(yaml("providers:\n  codex:\n    kind: openai-responses\n"
                                "    api_key_env: OPENAI_API_KEY\n"),
                           Environment{});
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
  const auto* p = c->find("codex");
  REQUIRE(p != nullptr);
  CHECK(p->kind == ProviderKind::kOpenAiResponses);
  CHECK(p->base_url == "https://api.openai.com/v1");
  CHECK(p->model == "gpt-5-codex");
  CHECK(c->default_provider == "codex");
}

TEST_CASE("nothing at all: no providers, no default") {
  auto c = load_llm_config(Config{}, Environment{});
  REQUIRE(c.has_value());
  CHECK(c->providers.empty());
  CHECK(c->default_provider.empty());
  auto s = select_model(*c, "");
  REQUIRE_FALSE(s.has_value());
  CHECK(s.error().code == ErrorCode::kConfig);
  CHECK(s.error().hint.find("OPENAI_API_KEY") != std::string::npos);
}

TEST_CASE("configured providers with every key, the environment pairs are then not added") {
  Environment env;
  env.set("OPENAI_API_KEY", "sk-o");
  auto c = load_llm_config(yaml(R"(
default_provider: local
providers:
  local:
    kind: openai
    base_url: http://127.0.0.1:8080/v1
    model: qwen2.5-coder
    models: [llama3.1, qwen2.5-coder]
    api_key_env: LOCAL_KEY
    headers: {HTTP-Referer: https://x.example, X-Retries: 3}
    timeouts: {connect_ms: 1500, low_speed_s: 30, total_s: 90.5}
    max_retries: 5
    max_tokens: 2048
    max_tokens_field: max_completion_tokens
    aliases: {sonnet: qwen2.5-coder}
    prices: {qwen2.5-coder: {input: 0.1, output: 0.3}}
  claude:
    kind: anthropic
    api_key_env: ANTHROPIC_API_KEY
)"),
                           env);
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
  REQUIRE(c->providers.size() == 2);
  CHECK(c->providers[0].name == "claude");  // sorted
  CHECK(c->providers[0].base_url == "https://api.anthropic.com");
  CHECK(c->providers[0].model == "claude-sonnet-4-5");
  const auto* p = c->find("local");
  REQUIRE(p != nullptr);
  CHECK(p->models == std::vector<std::string>{"llama3.1", "qwen2.5-coder"});
  CHECK(p->api_key_env == "LOCAL_KEY");
  CHECK(p->headers == std::vector<std::pair<std::string, std::string>>{
                          {"HTTP-Referer", "https://x.example"}, {"X-Retries", "3"}});
  CHECK(p->timeouts.connect == std::chrono::milliseconds(1500));
  CHECK(p->timeouts.low_speed == std::chrono::seconds(30));
  CHECK(p->timeouts.total == std::chrono::milliseconds(90500));
  CHECK(p->retry.max_retries == 5);
  CHECK(p->max_tokens == 2048);
  CHECK(p->max_tokens_field == "max_completion_tokens");
  CHECK(p->prices.at("qwen2.5-coder").output == doctest::Approx(0.3));
  CHECK(p->source == "/home/u/.config/agentry/config.yaml:5:5");
  CHECK(c->default_provider == "local");
  CHECK(c->find("openai") == nullptr);
}

TEST_CASE("config errors name file, line and column") {
  struct Case {
    const char* text;
    const char* where;
    const char* message;
  };
  for (Case k :
       {Case{"providers:\n  x:\n    kind: gemini\n", ":3:11", "unknown provider kind 'gemini'"},
        Case{"providers:\n  x:\n    kind: openai\n    base-url: http://h\n", ":4:15",
             "unknown key 'base-url' in provider 'x'"},
        Case{"providers:\n  x:\n    model: m\n", ":3:5", "the provider has no `kind`"},
        Case{"providers:\n  x:\n    kind: openai\n    timeouts: {connect_ms: -1}\n", ":4:28",
             "`timeouts.connect_ms` must be a number ≥ 0"},
        Case{"providers:\n  x:\n    kind: openai\n    base_url: ftp://h\n", ":4:15",
             "base_url 'ftp://h' is not an http(s) URL"},
        Case{"default_provider: nope\nproviders:\n  x: {kind: openai}\n", ":1:19",
             "default_provider 'nope' is not a configured provider"}}) {
    CAPTURE(k.text);
    auto c = load_llm_config(yaml(k.text), Environment{});
    REQUIRE_FALSE(c.has_value());
    CHECK(c.error().code == ErrorCode::kConfig);
    CHECK(c.error().where == std::string("/home/u/.config/agentry/config.yaml") + k.where);
    CHECK(c.error().message == k.message);
  }
}

TEST_CASE("several configured providers and no default: selection asks for one") {
  auto c = load_llm_config(yaml("providers:\n  a: {kind: openai}\n  b: {kind: anthropic}\n"),
                           Environment{});
  REQUIRE(c.has_value());
  CHECK(c->default_provider.empty());
  auto s = select_model(*c, "sonnet");
  REQUIRE_FALSE(s.has_value());
  CHECK(s.error().message.find("none is the default") != std::string::npos);
  auto explicit_choice = select_model(*c, "b/sonnet");
  REQUIRE(explicit_choice.has_value());
  CHECK(*explicit_choice == ModelSelection{"b", "claude-sonnet-4-5"});
}

}  // namespace
}  // namespace agentry::llm
