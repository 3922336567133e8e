// LLM transport benchmarks: SSE framing and framing + JSON decoding throughput on a generated
// 10 MB chat-completions stream, and the provider's added latency per request over a bare
// libcurl request against the fake server (0 ms delay), measured side by side in one run.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include <benchmark/benchmark.h>
#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include "core/config.hpp"
#include "fakellm/fake_llm_server.hpp"
#include "llm/curl_global.hpp"
#include "llm/curl_handle.hpp"
#include "llm/openai_stream.hpp"
#include "llm/provider_factory.hpp"
#include "llm/sse_parser.hpp"

namespace {

using agentry::llm::SseEvent;
using agentry::llm::SseParser;
using nlohmann::json;

/// A deterministic ~10 MB stream shaped like a real one: text deltas of one to three words,
/// then a tool call whose arguments arrive in small fragments, a finish chunk, usage, [DONE];
/// repeated until the size is reached.
std::string make_stream(std::size_t target) {
  static constexpr const char* kWords[] = {"the",     "borrow",    "checker",  "rejects", "this",
                                           "because", "`x`",       "is",       "moved",   "into",
                                           "closure", "fn",        "main()",   "let",     "mut",
                                           "vec!",    "Option<T>", "lifetime", "'a",      "é"};
  std::uint64_t seed = 42;
  auto next = [&] {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>(seed >> 33);
  };
  std::string out;
  out.reserve(target + 4096);
  int n = 0;
  while (out.size() < target) {
    std::string id = "chatcmpl-" + std::to_string(n++);
    auto chunk = [&](json delta, json finish = nullptr) {
      json c = {
          {"id", id},
          {"object", "chat.completion.chunk"},
          {"created", 1763900000},
          {"model", "gpt-bench"},
          {"choices",
           {{{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", std::move(finish)}}}},
          {"usage", nullptr}};
      out += "data: " + c.dump() + "\n\n";
    };
    chunk({{"role", "assistant"}, {"content", ""}});
    for (int i = 0; i < 40; ++i) {
      std::string text;
      for (std::size_t w = 0, k = 1 + next() % 3; w < k; ++w)
        text += std::string(kWords[next() % 20]) + " ";
      chunk({{"content", text}});
    }
    std::string args = R"({"package":"crate_)" + std::to_string(n) +
                       R"(","all_targets":true,"features":["a","b"]})";
    chunk({{"tool_calls",
            {{{"index", 0},
              {"id", "call_" + std::to_string(n)},
              {"type", "function"},
              {"function", {{"name", "cargo_check"}, {"arguments", ""}}}}}}});
    for (std::size_t at = 0; at < args.size(); at += 6) {
      chunk({{"tool_calls", {{{"index", 0}, {"function", {{"arguments", args.substr(at, 6)}}}}}}});
    }
    chunk(json::object(), "tool_calls");
    out += "data: " +
           json{{"id", id},
                {"object", "chat.completion.chunk"},
                {"choices", json::array()},
                {"usage", {{"prompt_tokens", 1200}, {"completion_tokens", 180}}}}
               .dump() +
           "\n\n";
    out += "data: [DONE]\n\n";
  }
  return out;
}

const std::string& stream_10mb() {
  static const std::string stream = make_stream(10 * 1024 * 1024);
  return stream;
}

constexpr std::size_t kReadSize = 16 * 1024;  // libcurl's default receive buffer

void BM_SseFraming(benchmark::State& state) {
  const std::string& s = stream_10mb();
  std::size_t events = 0;
  for (auto _ : state) {
    SseParser parser;
    SseParser::Handler count = [&](const SseEvent& e) { events += e.data.size() > 0; };
    for (std::size_t at = 0; at < s.size(); at += kReadSize) {
      parser.feed(std::string_view(s).substr(at, kReadSize), count);
    }
    parser.finish();
  }
  benchmark::DoNotOptimize(events);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * s.size()));
  state.counters["events"] =
      static_cast<double>(events / static_cast<std::size_t>(state.iterations()));
}
BENCHMARK(BM_SseFraming)->Unit(benchmark::kMillisecond);

void BM_SseFramingAndDecode(benchmark::State& state) {
  const std::string& s = stream_10mb();
  std::size_t deltas = 0;
  for (auto _ : state) {
    SseParser parser;
    // A fresh decoder per [DONE]-terminated completion, as the provider does per response.
    auto decoder = std::make_unique<agentry::llm::OpenAiStreamDecoder>();
    agentry::llm::StreamSink sink = [&](const agentry::llm::StreamEvent&) { ++deltas; };
    SseParser::Handler decode = [&](const SseEvent& e) {
      auto r = decoder->on_event(e, sink);
      benchmark::DoNotOptimize(r);
      if (decoder->complete() && e.data == "[DONE]") {
        benchmark::DoNotOptimize(decoder->finish(sink));
        decoder = std::make_unique<agentry::llm::OpenAiStreamDecoder>();
      }
    };
    for (std::size_t at = 0; at < s.size(); at += kReadSize) {
      parser.feed(std::string_view(s).substr(at, kReadSize), decode);
    }
  }
  benchmark::DoNotOptimize(deltas);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * s.size()));
}
BENCHMARK(BM_SseFramingAndDecode)->Unit(benchmark::kMillisecond);

/// One fake server and one libcurl init shared by the latency benchmarks of this run.
struct LatencyRig {
  agentry::llm::CurlGlobal curl;
  std::unique_ptr<agentry::fakellm::FakeLlmServer> server;
  std::string body_stream;
  std::string body_whole;

  LatencyRig() {
    auto doc = agentry::yaml_to_json(R"(
- when: {contains: ping}
  text: "pong and a few more words to stream"
  usage: {input: 5, output: 8}
)",
                                     "bench");
    auto script = agentry::fakellm::parse_script(*doc);
    server = std::move(*agentry::fakellm::FakeLlmServer::start(std::move(*script)));
    json request = {{"model", "fake-model"},
                    {"messages", {{{"role", "user"}, {"content", "ping"}}}}};
    request["stream"] = false;
    body_whole = request.dump();
    request["stream"] = true;
    request["stream_options"] = {{"include_usage", true}};
    body_stream = request.dump();
  }
};

LatencyRig& rig() {
  static LatencyRig r;
  return r;
}

std::size_t discard(char*, std::size_t size, std::size_t n, void*) {
  return size * n;
}

/// What the providers replace: one reused easy handle, POST, body thrown away.
void bare_curl(benchmark::State& state, bool stream) {
  LatencyRig& r = rig();
  auto api = r.curl.api();
  if (!api) {
    state.SkipWithError(api.error().to_string().c_str());
    return;
  }
  agentry::llm::CurlEasy easy(**api);
  agentry::llm::CurlSlist headers(**api);
  headers.append("Content-Type: application/json");
  headers.append("Expect:");
  std::string url = r.server->url("/v1/chat/completions");
  const std::string& body = stream ? r.body_stream : r.body_whole;
  curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &discard);
  curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy.get(), CURLOPT_TCP_NODELAY, 1L);
  for (auto _ : state) {
    if (curl_easy_perform(easy.get()) != CURLE_OK) state.SkipWithError("curl failed");
  }
}

void provider_request(benchmark::State& state, bool stream) {
  LatencyRig& r = rig();
  agentry::llm::ProviderConfig config;
  config.name = "bench";
  config.base_url = r.server->url("/v1");
  config.model = "fake-model";
  agentry::llm::ProviderServices services{r.curl, nullptr};
  auto provider = agentry::llm::make_provider(config, agentry::Environment{}, services);
  agentry::llm::CompletionRequest request;
  request.model = "fake-model";
  request.messages.push_back(agentry::Message::user("ping"));
  request.stream = stream;
  std::size_t events = 0;
  agentry::llm::StreamSink sink = [&](const agentry::llm::StreamEvent&) { ++events; };
  for (auto _ : state) {
    auto c = (*provider)->complete(request, sink, {});
    if (!c) state.SkipWithError(c.error().to_string().c_str());
  }
  benchmark::DoNotOptimize(events);
}

void BM_BareCurl_Whole(benchmark::State& s) {
  bare_curl(s, false);
}
void BM_Provider_Whole(benchmark::State& s) {
  provider_request(s, false);
}
void BM_BareCurl_Stream(benchmark::State& s) {
  bare_curl(s, true);
}
void BM_Provider_Stream(benchmark::State& s) {
  provider_request(s, true);
}
BENCHMARK(BM_BareCurl_Whole)->Unit(benchmark::kMicrosecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_Provider_Whole)->Unit(benchmark::kMicrosecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_BareCurl_Stream)->Unit(benchmark::kMicrosecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_Provider_Stream)->Unit(benchmark::kMicrosecond)->UseRealTime()->MinTime(2.0);

/// From request_stop() to complete() returning kCancelled, on a stream stalled before its
/// first byte (the issue's bar: within 100 ms).
void BM_CancelLatency(benchmark::State& state) {
  LatencyRig& r = rig();
  auto doc = agentry::yaml_to_json("- when: {contains: stall}\n  text: never\n  delay_ms: 60000\n",
                                   "bench");
  auto server = std::move(
      *agentry::fakellm::FakeLlmServer::start(std::move(*agentry::fakellm::parse_script(*doc))));
  agentry::llm::ProviderConfig config;
  config.name = "bench";
  config.base_url = server->url("/v1");
  agentry::llm::ProviderServices services{r.curl, nullptr};
  auto provider = std::move(*agentry::llm::make_provider(config, agentry::Environment{}, services));
  agentry::llm::CompletionRequest request;
  request.model = "m";
  request.messages.push_back(agentry::Message::user("stall"));
  for (auto _ : state) {
    std::stop_source stop;
    std::chrono::steady_clock::time_point stopped_at;
    std::size_t seen = server->request_count();
    std::jthread canceller([&] {
      while (server->request_count() == seen)
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      stopped_at = std::chrono::steady_clock::now();
      stop.request_stop();
    });
    auto c = provider->complete(
        request, [](const agentry::llm::StreamEvent&) {}, stop.get_token());
    auto returned = std::chrono::steady_clock::now();
    canceller.join();
    if (c || c.error().code != agentry::ErrorCode::kCancelled) state.SkipWithError("not cancelled");
    state.SetIterationTime(std::chrono::duration<double>(returned - stopped_at).count());
  }
}
BENCHMARK(BM_CancelLatency)->Unit(benchmark::kMicrosecond)->UseManualTime()->Iterations(50);

}  // namespace
