#pragma once
// Helpers shared by the llm tests: a fake server from inline YAML, providers pointed at it with
// instant, recorded retry waits, and a sink that keeps every event.
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include <doctest/doctest.h>

#include "core/config.hpp"
#include "fakellm/fake_llm_server.hpp"
#include "llm/curl_global.hpp"
#include "llm/provider_factory.hpp"
#include "llm/sse_parser.hpp"
#include "llm/wire_format.hpp"

namespace agentry::llm::testing {

inline std::unique_ptr<fakellm::FakeLlmServer> start_fake(std::string_view yaml) {
  auto doc = yaml_to_json(yaml, "inline script");
  REQUIRE_MESSAGE(doc.has_value(), (doc ? "" : doc.error().to_string()));
  auto script = fakellm::parse_script(*doc);
  REQUIRE_MESSAGE(script.has_value(), (script ? "" : script.error().to_string()));
  auto server = fakellm::FakeLlmServer::start(std::move(*script));
  REQUIRE_MESSAGE(server.has_value(), (server ? "" : server.error().to_string()));
  return std::move(*server);
}

/// Retry side effects that never wait: they record each requested delay.
struct RecordedWaits {
  std::mutex mu;
  std::vector<std::chrono::milliseconds> delays;
  std::chrono::system_clock::time_point now = std::chrono::system_clock::from_time_t(1'763'900'000);

  RetryServices services() {
    RetryServices s;
    s.now = [this] { return now; };
    s.sleep = [this](std::chrono::milliseconds d, std::stop_token stop) {
      std::lock_guard lock(mu);
      delays.push_back(d);
      return !stop.stop_requested();
    };
    s.random = [] { return 0.0; };  // jitter factor 1.0: exact backoff values
    return s;
  }
};

/// Every event a completion streamed, in order.
struct Collected {
  std::vector<StreamEvent> events;
  StreamSink sink() {
    return [this](const StreamEvent& e) { events.push_back(e); };
  }
  std::string text() const {
    std::string out;
    for (const auto& e : events) {
      if (const auto* t = std::get_if<TextDelta>(&e)) out += t->text;
    }
    return out;
  }
  std::size_t text_deltas() const {
    std::size_t n = 0;
    for (const auto& e : events)
      n += std::holds_alternative<TextDelta>(e) ? 1 : 0;
    return n;
  }
  std::vector<ToolCall> calls() const {
    std::vector<ToolCall> out;
    for (const auto& e : events) {
      if (const auto* c = std::get_if<ToolCallReady>(&e)) out.push_back(c->call);
    }
    return out;
  }
  std::vector<Usage> usages() const {
    std::vector<Usage> out;
    for (const auto& e : events) {
      if (const auto* u = std::get_if<UsageReport>(&e)) out.push_back(u->usage);
    }
    return out;
  }
};

/// What a fresh `Decoder` made of a whole SSE stream, fed to it the way HttpProvider does.
struct DecodedStream {
  std::string text;                 ///< the TextDelta events, joined
  std::string thinking;             ///< the ThinkingDelta events, joined
  std::vector<Usage> usage;         ///< every UsageReport
  Completion completion;            ///< finish()'s answer
  std::vector<std::string> errors;  ///< the messages of the events the decoder refused
};

template <class Decoder>
DecodedStream decode_sse(std::string_view stream) {
  Decoder decoder;
  DecodedStream out;
  StreamSink sink = [&](const StreamEvent& e) {
    if (const auto* t = std::get_if<TextDelta>(&e)) out.text += t->text;
    if (const auto* t = std::get_if<ThinkingDelta>(&e)) out.thinking += t->text;
    if (const auto* u = std::get_if<UsageReport>(&e)) out.usage.push_back(u->usage);
  };
  SseParser parser;
  parser.feed(stream, [&](const SseEvent& event) {
    if (auto r = decoder.on_event(event, sink); !r) out.errors.push_back(r.error().message);
  });
  parser.finish();
  out.completion = decoder.finish(sink);
  return out;
}

inline ProviderConfig fake_provider_config(ProviderKind kind,
                                           const fakellm::FakeLlmServer& server) {
  ProviderConfig c;
  c.name = kind == ProviderKind::kAnthropic ? "fake-anthropic" : "fake-openai";
  c.kind = kind;
  c.base_url = kind == ProviderKind::kAnthropic ? server.url() : server.url("/v1");
  c.model = "fake-model";
  c.retry.max_retries = 3;
  c.timeouts.connect = std::chrono::milliseconds(2000);
  c.timeouts.total = std::chrono::milliseconds(20000);
  c.timeouts.low_speed = std::chrono::seconds(20);
  return c;
}

/// A provider for `config`, with a key in TEST_LLM_KEY when `key` is not empty.
inline std::unique_ptr<Provider> make_test_provider(CurlGlobal& curl, ProviderConfig config,
                                                    RecordedWaits& waits,
                                                    std::string key = "sk-test-SECRET-123",
                                                    std::shared_ptr<spdlog::logger> log = nullptr) {
  Environment env;
  if (!key.empty()) {
    env.set("TEST_LLM_KEY", key);
    config.api_key_env = "TEST_LLM_KEY";
  }
  ProviderServices services{curl, std::move(log), waits.services()};
  auto provider = make_provider(config, env, services);
  REQUIRE_MESSAGE(provider.has_value(), (provider ? "" : provider.error().to_string()));
  return std::move(*provider);
}

/// One provider call against a fake server: the server, the waits it recorded, what reached the
/// sink and the result.
struct ProviderRun {
  std::unique_ptr<fakellm::FakeLlmServer> server;
  RecordedWaits waits;
  Collected got;
  Result<Completion> result = fail(ErrorCode::kInternal, "not run");
};

inline CompletionRequest simple_request(std::string text = "hello", bool stream = true) {
  CompletionRequest r;
  r.model = "fake-model";
  r.messages.push_back(Message::user(std::move(text)));
  r.stream = stream;
  return r;
}

}  // namespace agentry::llm::testing
