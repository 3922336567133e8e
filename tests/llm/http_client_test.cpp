// The libcurl client: cancellation through std::stop_token, proxies from the Environment
// snapshot, keep-alive, and keys kept out of logs.
#include "llm/http_client.hpp"

#include <atomic>
#include <latch>
#include <sstream>
#include <thread>

#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>

#include "llm_test_support.hpp"

namespace agentry::llm {
namespace {

using namespace testing;
using std::chrono::milliseconds;

TEST_CASE("a stop request during a slow stream returns kCancelled without waiting for the end") {
  CurlGlobal curl;
  RecordedWaits waits;
  std::string words;
  for (int i = 0; i < 200; ++i)
    words += "word ";
  auto server = start_fake("- text: '" + words + "'\n  drip_tokens_per_second: 20\n");
  auto provider =
      make_test_provider(curl, fake_provider_config(ProviderKind::kOpenAi, *server), waits);

  std::stop_source stop;
  std::atomic<int> deltas{0};
  std::jthread canceller([&](std::stop_token self) {
    while (deltas.load() < 3 && !self.stop_requested())
      std::this_thread::sleep_for(milliseconds(1));
    stop.request_stop();
  });
  auto c = provider->complete(
      simple_request(),
      [&](const StreamEvent& e) {
        if (std::holds_alternative<TextDelta>(e)) ++deltas;
      },
      stop.get_token());
  REQUIRE_FALSE(c.has_value());
  CHECK(c.error().code == ErrorCode::kCancelled);
  CHECK(c.error().where == server->url("/v1/chat/completions"));
  CHECK(deltas.load() >= 3);
  CHECK(deltas.load() < 200);
  CHECK(server->request_count() == 1);
}

TEST_CASE("a stop request while waiting for the first byte, or during a retry wait, cancels") {
  CurlGlobal curl;
  for (const char* script : {"- text: late\n  delay_ms: 30000\n",
                             "- text: never\n  faults: [{status: 429, retry_after_ms: 30000}]\n"}) {
    CAPTURE(script);
    auto server = start_fake(script);
    // The real sleeper: the retry wait itself must wake on the stop request.
    ProviderServices services{curl, nullptr, RetryServices::system()};
    auto provider = make_provider(fake_provider_config(ProviderKind::kOpenAi, *server),
                                  Environment{}, services);
    REQUIRE(provider.has_value());
    std::stop_source stop;
    std::jthread canceller([&] {
      while (server->request_count() == 0)
        std::this_thread::sleep_for(milliseconds(1));
      std::this_thread::sleep_for(milliseconds(50));
      stop.request_stop();
    });
    Collected got;
    auto c = (*provider)->complete(simple_request(), got.sink(), stop.get_token());
    REQUIRE_FALSE(c.has_value());
    CHECK(c.error().code == ErrorCode::kCancelled);
    CHECK(c.error().message == "provider 'fake-openai': request cancelled");
    CHECK(server->request_count() == 1);
  }
}

TEST_CASE("an already requested stop fails at once without a request") {
  CurlGlobal curl;
  RecordedWaits waits;
  auto server = start_fake("- x\n");
  auto provider =
      make_test_provider(curl, fake_provider_config(ProviderKind::kOpenAi, *server), waits);
  std::stop_source stop;
  stop.request_stop();
  Collected got;
  auto c = provider->complete(simple_request(), got.sink(), stop.get_token());
  REQUIRE_FALSE(c.has_value());
  CHECK(c.error().code == ErrorCode::kCancelled);
  CHECK(server->request_count() == 0);
}

TEST_CASE("http_proxy from the Environment is used for remote hosts, loopback goes direct") {
  CurlGlobal curl;
  RecordedWaits waits;
  auto proxy = start_fake("- via the proxy\n");
  auto config = fake_provider_config(ProviderKind::kOpenAi, *proxy);
  config.base_url = "http://api.example.invalid/v1";
  Environment env;
  env.set("http_proxy", proxy->url());
  ProviderServices services{curl, nullptr, waits.services()};
  auto provider = make_provider(config, env, services);
  REQUIRE(provider.has_value());
  Collected got;
  auto c = (*provider)->complete(simple_request(), got.sink(), {});
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().to_string()));
  CHECK(c->message.text == "via the proxy");
  auto requests = proxy->requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].target == "http://api.example.invalid/v1/chat/completions");
  CHECK(requests[0].header("host") == "api.example.invalid");

  // Loopback: the proxy (nothing listens on port 1) is bypassed.
  auto direct = start_fake("- direct\n");
  Environment env2;
  env2.set("http_proxy", "http://127.0.0.1:1");
  env2.set("HTTPS_PROXY", "http://127.0.0.1:1");
  env2.set("ALL_PROXY", "http://127.0.0.1:1");
  auto provider2 =
      make_provider(fake_provider_config(ProviderKind::kOpenAi, *direct), env2, services);
  REQUIRE(provider2.has_value());
  Collected got2;
  auto c2 = (*provider2)->complete(simple_request(), got2.sink(), {});
  REQUIRE_MESSAGE(c2.has_value(), (c2 ? "" : c2.error().to_string()));
  CHECK(c2->message.text == "direct");
  CHECK(direct->requests().at(0).target == "/v1/chat/completions");
}

TEST_CASE("NO_PROXY from the Environment is honoured") {
  CurlGlobal curl;
  RecordedWaits waits;
  auto proxy = start_fake("- via the proxy\n");
  Environment env;
  env.set("http_proxy", proxy->url());
  env.set("NO_PROXY", "api.example.invalid");
  auto config = fake_provider_config(ProviderKind::kOpenAi, *proxy);
  config.base_url = "http://api.example.invalid/v1";
  config.retry.max_retries = 0;
  ProviderServices services{curl, nullptr, waits.services()};
  auto provider = make_provider(config, env, services);
  REQUIRE(provider.has_value());
  Collected got;
  auto c = (*provider)->complete(simple_request(), got.sink(), {});
  REQUIRE_FALSE(c.has_value());  // direct: the .invalid host does not resolve
  CHECK(c.error().code == ErrorCode::kNetwork);
  CHECK(c.error().hint == "check the provider's base_url");
  CHECK(proxy->request_count() == 0);
}

TEST_CASE("the API key never reaches the logs, even at trace level, nor the errors") {
  CurlGlobal curl;
  RecordedWaits waits;
  auto server = start_fake(R"(
- text: fine
  faults: [{status: 401, error_message: "Incorrect API key provided", error_code: invalid_api_key}]
)");
  std::ostringstream captured;
  auto log = std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(captured));
  log->set_level(spdlog::level::trace);
  for (auto kind : {ProviderKind::kOpenAi, ProviderKind::kAnthropic}) {
    auto provider = make_test_provider(curl, fake_provider_config(kind, *server), waits,
                                       "sk-test-SECRET-123", log);
    Collected got;
    auto c = provider->complete(simple_request(), got.sink(), {});
    if (!c) {
      CHECK(c.error().to_string().find("SECRET") == std::string::npos);
      CHECK(c.error().message.find("Incorrect API key provided") != std::string::npos);
      CHECK(c.error().code == ErrorCode::kAuth);
    }
  }
  auto requests = server->requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].header("authorization") == "Bearer sk-test-SECRET-123");  // it was sent
  CHECK(requests[1].header("x-api-key") == "sk-test-SECRET-123");
  std::string logs = captured.str();
  CHECK(logs.find("Authorization: Bearer ***") != std::string::npos);
  CHECK(logs.find("x-api-key: ***") != std::string::npos);
  CHECK(logs.find("SECRET") == std::string::npos);
}

TEST_CASE("the client reports reused connections") {
  CurlGlobal curl;
  auto server = start_fake("- a\n- b\n");
  HttpClient client(curl, {}, nullptr);
  HttpRequest request{server->url("/v1/chat/completions"),
                      {{"Content-Type", "application/json"}},
                      R"({"model":"m","messages":[{"role":"user","content":"x"}]})"};
  std::string body;
  auto on_body = [&](std::string_view b) {
    body.append(b);
    return true;
  };
  auto first = client.post(request, on_body, {});
  REQUIRE(first.has_value());
  CHECK(first->status == 200);
  CHECK_FALSE(first->reused_connection);
  CHECK(first->header("content-type") == "application/json");
  auto second = client.post(request, on_body, {});
  REQUIRE(second.has_value());
  CHECK(second->reused_connection);
  CHECK(server->connections() == 1);
}

TEST_CASE("as many connections stay alive as calls were in flight at once") {
  CurlGlobal curl;
  auto server = start_fake("- when: {turn: 1}\n  text: one two three\n");
  HttpClient client(curl, {}, nullptr);
  HttpRequest request{server->url("/v1/chat/completions"),
                      {{"Content-Type", "application/json"}},
                      R"({"model":"m","stream":true,"messages":[{"role":"user","content":"x"}]})"};
  constexpr int kAtOnce = 8;  // more than the pool's floor of 4
  auto wave = [&] {
    std::latch all_streaming(kAtOnce);
    std::vector<std::jthread> calls;
    for (int i = 0; i < kAtOnce; ++i) {
      calls.emplace_back([&] {
        bool first = true;
        auto r = client.post(request,
                             [&](std::string_view) {
                               // Every call holds its connection until all of them are mid-stream.
                               if (std::exchange(first, false)) all_streaming.arrive_and_wait();
                               return true;
                             },
                             {});
        CHECK(r.has_value());
      });
    }
  };
  wave();
  CHECK(server->connections() == kAtOnce);
  wave();
  CHECK(server->connections() == kAtOnce);  // the second wave reused all of them
}

}  // namespace
}  // namespace agentry::llm
