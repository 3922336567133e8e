#include "llm/model_selection.hpp"

#include <doctest/doctest.h>

namespace agentry::llm {
namespace {

LlmConfig two_providers() {
  LlmConfig c;
  ProviderConfig a;
  a.name = "anthropic";
  a.kind = ProviderKind::kAnthropic;
  a.model = "claude-sonnet-4-5";
  ProviderConfig o;
  o.name = "openrouter";
  o.kind = ProviderKind::kOpenAi;
  o.model = "meta-llama/llama-3.1-70b-instruct";
  o.aliases["haiku"] = "qwen/qwen-2.5-coder-32b-instruct";
  c.providers = {a, o};
  c.default_provider = "anthropic";
  return c;
}

TEST_CASE("specs resolve to a provider and a concrete model id") {
  LlmConfig c = two_providers();
  auto check = [&](std::string_view spec, ModelSelection expected) {
    CAPTURE(spec);
    auto s = select_model(c, spec);
    REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().to_string()));
    CHECK(*s == expected);
  };
  check("", {"anthropic", "claude-sonnet-4-5"});
  check("inherit", {"anthropic", "claude-sonnet-4-5"});
  check("opus", {"anthropic", "claude-opus-4-1"});
  check("haiku", {"anthropic", "claude-haiku-4-5"});
  check("claude-3-7-sonnet-latest", {"anthropic", "claude-3-7-sonnet-latest"});
  check("openrouter", {"openrouter", "meta-llama/llama-3.1-70b-instruct"});
  check("openrouter/", {"openrouter", "meta-llama/llama-3.1-70b-instruct"});
  check("openrouter/sonnet", {"openrouter", "gpt-5-mini"});
  check("openrouter/haiku", {"openrouter", "qwen/qwen-2.5-coder-32b-instruct"});
  check("openrouter/mistralai/devstral", {"openrouter", "mistralai/devstral"});
  // An unknown prefix is part of the model id, on the default provider.
  check("meta-llama/llama-3-8b", {"anthropic", "meta-llama/llama-3-8b"});
}

TEST_CASE("inherit takes the parent's choice") {
  LlmConfig c = two_providers();
  ModelSelection parent{"openrouter", "x/y"};
  CHECK(*select_model(c, "inherit", &parent) == parent);
  CHECK(*select_model(c, "", &parent) == parent);
  CHECK(*select_model(c, "opus", &parent) == ModelSelection{"anthropic", "claude-opus-4-1"});
}

TEST_CASE("the alias table per kind, with configured overrides") {
  LlmConfig c = two_providers();
  auto a = provider_aliases(c.providers[0]);
  CHECK(a == std::map<std::string, std::string>{{"haiku", "claude-haiku-4-5"},
                                                {"opus", "claude-opus-4-1"},
                                                {"sonnet", "claude-sonnet-4-5"}});
  auto o = provider_aliases(c.providers[1]);
  CHECK(o.at("haiku") == "qwen/qwen-2.5-coder-32b-instruct");
  CHECK(o.at("opus") == "gpt-5");
}

}  // namespace
}  // namespace agentry::llm
