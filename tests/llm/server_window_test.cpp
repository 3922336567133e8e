// Asking an OpenAI-compatible server for a model's window: the vLLM and llama.cpp answers, the
// fall-through on failures, and that an HttpProvider asks lazily, once, and never at start-up.
#include "llm/server_window.hpp"

#include <atomic>
#include <mutex>

#include <doctest/doctest.h>

#include "fakellm/socket_server.hpp"
#include "llm/curl_global.hpp"
#include "llm_test_support.hpp"

namespace agentry::llm {
namespace {

using nlohmann::json;

// GET /v1/models as vLLM answers it (its ModelCard carries max_model_len).
constexpr const char* kVllmModels = R"({"object":"list","data":[
  {"id":"other/model","object":"model","created":1,"owned_by":"vllm","root":"other/model",
   "parent":null,"max_model_len":4096,"permission":[]},
  {"id":"Qwen/Qwen2.5-Coder-7B-Instruct","object":"model","created":1,"owned_by":"vllm",
   "root":"/models/qwen","parent":null,"max_model_len":24576,"permission":[]}]})";

// GET /props as llama.cpp's server answers it (abridged): the served context is n_ctx.
constexpr const char* kLlamaProps = R"({"default_generation_settings":{"id":0,"n_ctx":12288,
  "speculative":false,"is_processing":false,"params":{"n_predict":-1,"temperature":0.8}},
  "total_slots":1,"model_path":"/m/model.gguf","chat_template":"...","build_info":"b6000"})";

// llama.cpp's /v1/models: no max_model_len, only the training context in meta.
constexpr const char* kLlamaModels = R"({"object":"list","data":[{"id":"model.gguf",
  "object":"model","created":1,"owned_by":"llamacpp","meta":{"n_ctx_train":131072}}]})";

TEST_CASE("the window is read from vLLM's /v1/models and llama.cpp's /props") {
  CHECK(window_from_models_list(json::parse(kVllmModels), "Qwen/Qwen2.5-Coder-7B-Instruct") ==
        24'576);
  CHECK(window_from_models_list(json::parse(kVllmModels), "other/model") == 4'096);
  CHECK_FALSE(window_from_models_list(json::parse(kVllmModels), "missing").has_value());
  CHECK_FALSE(window_from_models_list(json::parse(kLlamaModels), "model.gguf").has_value());
  CHECK(window_from_props(json::parse(kLlamaProps)) == 12'288);
  CHECK(window_from_props(json::parse(R"({"n_ctx": 8192})")) == 8'192);
  for (const char* odd : {R"({"data":"x"})", R"([1,2])", R"({"default_generation_settings":
       {"n_ctx":-5}})",
                          R"({"n_ctx":"big"})", R"({"data":[{"id":"m","max_model_len":1e99}]})"}) {
    CAPTURE(odd);
    CHECK_FALSE(window_from_models_list(json::parse(odd), "m").has_value());
    CHECK_FALSE(window_from_props(json::parse(odd)).has_value());
  }
}

using Answers = std::map<std::string, std::string>;

/// A tiny server answering GET paths from a table (404 otherwise), counting what it was asked.
struct StubServer {
  std::map<std::string, std::string> answers;  ///< path → JSON body
  std::mutex mu;
  std::vector<std::string> asked;  ///< "METHOD path", in order
  std::unique_ptr<fakellm::SocketServer> server;

  explicit StubServer(Answers table) : answers(std::move(table)) {
    auto started = fakellm::SocketServer::start(
        0, [this](const fakellm::HttpRequestData& request, fakellm::ResponseWriter& w) {
          std::string body = R"({"error":{"message":"not found"}})";
          int status = 404;
          {
            std::lock_guard lock(mu);
            asked.push_back(request.method + " " + request.path);
            if (auto it = answers.find(request.path); it != answers.end()) {
              body = it->second;
              status = 200;
            }
          }
          w.write_head(status,
                       {{"Content-Type", "application/json"},
                        {"Content-Length", std::to_string(body.size())}},
                       false);
          w.write_raw(body);
        });
    REQUIRE(started.has_value());
    server = std::move(*started);
  }
  std::string base(std::string_view path = "/v1") const {
    return fmt::format("http://127.0.0.1:{}{}", server->port(), path);
  }
  std::vector<std::string> requests() {
    std::lock_guard lock(mu);
    return asked;
  }
};

std::optional<ServerWindow> probe(StubServer& stub, std::string_view model,
                                  std::string_view base_path = "/v1") {
  CurlGlobal curl;
  HttpClient http(curl, {}, nullptr);
  return probe_server_window(http, {{"Authorization", "Bearer k"}}, stub.base(base_path), model,
                             {});
}

TEST_CASE("a vLLM server's /v1/models answers the probe, and /props is not asked then") {
  StubServer stub(Answers{{"/v1/models", kVllmModels}});
  auto found = probe(stub, "Qwen/Qwen2.5-Coder-7B-Instruct");
  REQUIRE(found.has_value());
  CHECK(found->window == 24'576);
  CHECK(found->source == "GET /v1/models max_model_len");
  CHECK(stub.requests() == std::vector<std::string>{"GET /v1/models"});
}

TEST_CASE("a llama.cpp server is asked /props at its root, beside /v1") {
  StubServer stub(Answers{{"/v1/models", kLlamaModels}, {"/props", kLlamaProps}});
  auto found = probe(stub, "model.gguf");
  REQUIRE(found.has_value());
  CHECK(found->window == 12'288);
  CHECK(found->source == "GET /props default_generation_settings.n_ctx");
  CHECK(stub.requests() == std::vector<std::string>{"GET /v1/models", "GET /props"});
}

TEST_CASE("a server that reports nothing, or is not there, gives no answer quietly") {
  StubServer stub(Answers{{"/v1/models", "not json"}});
  CHECK_FALSE(probe(stub, "m").has_value());
  CHECK(stub.requests().size() == 2);

  CurlGlobal curl;
  HttpClient http(curl, {}, nullptr);
  auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(probe_server_window(http, {}, "http://127.0.0.1:1/v1", "m", {}).has_value());
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

// The probe reads what a server says: a hostile or broken one (a body past the cap, JSON nested
// to blow the parser's stack, windows of the wrong type or size) gives no answer, never a crash.
TEST_CASE("a hostile probe answer gives no window: oversized, deeply nested, or absurd values") {
  const std::string big =
      R"({"data":[{"id":"m","max_model_len":4096,"pad":")" + std::string(2u << 20, 'x') + R"("}]})";
  const std::string deep = std::string(200'000, '[') + std::string(200'000, ']');
  for (const std::string& body :
       {big, deep, std::string(R"({"data":[{"id":"m","max_model_len":-5}]})"),
        std::string(R"({"data":[{"id":"m","max_model_len":"lots"}]})"),
        std::string(R"({"data":[{"id":"m","max_model_len":1e300}]})"),
        std::string(R"({"data":{"id":"m"}})")}) {
    CAPTURE(body.substr(0, 60));
    StubServer stub(Answers{{"/v1/models", body}, {"/props", body}});
    CHECK_FALSE(probe(stub, "m").has_value());
  }
}

TEST_CASE("an HttpProvider asks the server lazily, once, and only when nothing else knows") {
  using namespace testing;
  StubServer stub(Answers{{"/v1/models", kVllmModels}});
  CurlGlobal curl;
  RecordedWaits waits;
  ProviderConfig config;
  config.name = "local";
  config.kind = ProviderKind::kOpenAi;
  config.base_url = stub.base();
  config.model = "Qwen/Qwen2.5-Coder-7B-Instruct";
  auto provider = make_test_provider(curl, config, waits);
  CHECK(stub.requests().empty());  // nothing at start-up

  auto table = provider->context_limits("gpt-4o", {});  // the table knows it: no I/O
  REQUIRE(table.has_value());
  CHECK(table->from == WindowSource::kTable);
  CHECK(stub.requests().empty());

  auto served = provider->context_limits("other/model", {});
  REQUIRE(served.has_value());
  CHECK(served->window == 4'096);
  CHECK(served->from == WindowSource::kServer);
  CHECK(served->output_budget == 1'024);
  CHECK(provider->context_limits("other/model", {})->window == 4'096);
  CHECK(stub.requests() == std::vector<std::string>{"GET /v1/models"});

  config.kind = ProviderKind::kAnthropic;  // Anthropic's API has no such field: never asked
  auto anthropic = make_test_provider(curl, config, waits);
  CHECK(anthropic->context_limits("other/model", {})->from == WindowSource::kDefault);
  CHECK(stub.requests().size() == 1);
}

}  // namespace
}  // namespace agentry::llm
