// PROTOCOLS.md §6 scenarios from tests/fixtures/llm/scenarios.yaml, over both protocols.
#include <doctest/doctest.h>

#include "fakellm/script.hpp"
#include "llm_test_support.hpp"
#include "support/temp_dir.hpp"

namespace agentry::llm {
namespace {

using namespace testing;
using nlohmann::json;

struct Outcome {
  bool ok = false;
  std::string text;
  std::vector<ToolCall> calls;
  Usage usage;
  std::string error;
};

Outcome ask(Provider& provider, const std::string& what) {
  Collected got;
  auto c = provider.complete(simple_request(what), got.sink(), {});
  Outcome o;
  o.ok = c.has_value();
  o.text = got.text();
  o.calls = got.calls();
  if (c) o.usage = c->usage;
  if (!c) o.error = c.error().to_string();
  return o;
}

TEST_CASE("the scenario script answers both protocols as specified") {
  auto script = fakellm::load_script(agentry::testing::fixtures_dir() / "llm" / "scenarios.yaml");
  REQUIRE_MESSAGE(script.has_value(), (script ? "" : script.error().to_string()));
  auto server = fakellm::FakeLlmServer::start(std::move(*script));
  REQUIRE(server.has_value());
  CurlGlobal curl;
  for (auto kind : {ProviderKind::kOpenAi, ProviderKind::kAnthropic}) {
    CAPTURE(std::string(to_string(kind)));
    RecordedWaits waits;
    auto provider = make_test_provider(curl, fake_provider_config(kind, **server), waits);
    auto one = ask(*provider, "scenario 1.");
    CHECK(one.text == "Hello from the fake model.");
    CHECK(one.usage.output_tokens == 6);
    auto two = ask(*provider, "scenario 2.");
    REQUIRE(two.calls.size() == 1);
    CHECK(two.calls[0].arguments == json{{"package", "a"}});
    auto three = ask(*provider, "scenario 3.");
    REQUIRE(three.calls.size() == 2);
    CHECK(three.calls[1].arguments == json{{"package", "b"}});
    auto four = ask(*provider, "scenario 4.");
    CHECK(four.calls.size() == 1);
    auto five = ask(*provider, "scenario 5.");
    CHECK(five.usage == Usage{120, 18, 0, 0});
    auto six = ask(*provider, "scenario 6.");
    CHECK(six.text == "caf\xC3\xA9 split \xC3\xA9verywhere");
    auto seven = ask(*provider, "scenario 7.");
    CHECK_FALSE(seven.ok);
    // The text before the error is kept (how much depends on each protocol's event count).
    CHECK(seven.text.starts_with("partial "));
    CHECK(std::string("partial text then an error").starts_with(seven.text));
    CHECK(seven.text.size() < std::string("partial text then an error").size());
    CHECK(seven.error.find("upstream failed") != std::string::npos);
    auto eight = ask(*provider, "scenario 8.");
    CHECK(eight.text == "after the rate limit");
    auto nine = ask(*provider, "scenario 9.");
    REQUIRE(nine.calls.size() == 1);
    CHECK(nine.calls[0].arguments == json{{"package", "a"}});
    CHECK_FALSE(nine.calls[0].id.empty());
    auto twelve = ask(*provider, "scenario 12.");
    CHECK(twelve.text == "overlapping");
    CHECK(twelve.calls.size() == 1);
  }
}

}  // namespace
}  // namespace agentry::llm
