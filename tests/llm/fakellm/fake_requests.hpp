#pragma once
// Hand-built requests for the fake server's enforcement and accounting tests: a server from
// inline YAML with given settings, requests posted over HTTP, and message builders.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "core/config.hpp"
#include "fakellm/fake_llm_server.hpp"
#include "llm/curl_global.hpp"
#include "llm/http_client.hpp"

namespace agentry::fakellm::fake_requests {

using nlohmann::json;

struct Reply {
  long status = 0;
  std::string body;
  llm::HttpResponse response;
  json json_body() const { return json::parse(body); }
};

/// Posts `body` (as `text` when given, e.g. pretty-printed) to the server's `path`.
inline Reply send(const FakeLlmServer& server, std::string_view path, const json& body,
                  std::string text = "") {
  llm::CurlGlobal curl;
  llm::HttpClient client(curl, {}, nullptr);
  Reply reply;
  auto r = client.post(
      {server.url(path), {{"Content-Type", "application/json"}}, text.empty() ? body.dump() : text},
      [&](std::string_view b) {
        reply.body.append(b);
        return true;
      },
      {});
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().to_string()));
  reply.status = r->status;
  reply.response = *r;
  if (reply.status >= 300) reply.body = r->error_body;
  return reply;
}

/// `n` words of filler: exactly `n` tokens.
inline std::string words(int n, std::string_view word = "lorem") {
  std::string out(word);
  for (int i = 1; i < n; ++i) {
    out += ' ';
    out += word;
  }
  return out;
}

inline std::unique_ptr<FakeLlmServer> serve(std::string_view yaml,
                                            std::optional<ServerSettings> s = {}) {
  auto doc = yaml_to_json(yaml, "inline script");
  REQUIRE(doc.has_value());
  auto script = parse_script(*doc);
  REQUIRE_MESSAGE(script.has_value(), (script ? "" : script.error().to_string()));
  FakeLlmOptions options;
  options.server = std::move(s);
  auto server = FakeLlmServer::start(std::move(*script), std::move(options));
  REQUIRE(server.has_value());
  return std::move(*server);
}

inline ServerSettings window(std::int64_t tokens, std::int64_t max_output = 0) {
  ServerSettings s;
  s.context_window = tokens;
  s.max_output = max_output;
  return s;
}

inline json anthropic(json messages, json system = nullptr, int max_tokens = 1024) {
  json body = {{"model", "claude-test"}, {"max_tokens", max_tokens}, {"messages", messages}};
  if (!system.is_null()) body["system"] = std::move(system);
  return body;
}

inline json user(json content) {
  return {{"role", "user"}, {"content", std::move(content)}};
}

inline json text_block(std::string text, bool breakpoint = false) {
  json b = {{"type", "text"}, {"text", std::move(text)}};
  if (breakpoint) b["cache_control"] = {{"type", "ephemeral"}};
  return b;
}

inline json openai(json messages) {
  return {{"model", "gpt-test"}, {"messages", std::move(messages)}};
}

}  // namespace agentry::fakellm::fake_requests
