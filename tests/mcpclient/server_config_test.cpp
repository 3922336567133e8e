// The MCP server entries of the config and of .mcp.json: ${VAR} expansion, the keys, errors that
// say where; and what the model reads of a tools/call result.
#include "mcpclient/server_config.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "mcpclient/call_result.hpp"
#include "mcpclient/client.hpp"

namespace agentry::mcpclient {
namespace {

using nlohmann::json;

Environment env() {
  return Environment({{"HOME", "/home/ada"}, {"TOKEN_X", "s3cret"}, {"EMPTY", ""}});
}

WhereFn where_in(std::string file) {
  return [file](std::string_view pointer) { return fmt::format("{}#{}", file, pointer); };
}

}  // namespace

TEST_CASE("expand_variables: ${VAR}, ${VAR:-default}, and an unset variable is an error") {
  CHECK(*expand_variables("${HOME}/data", env(), "x") == "/home/ada/data");
  CHECK(*expand_variables("Bearer ${TOKEN_X}", env(), "x") == "Bearer s3cret");
  CHECK(*expand_variables("${NOPE:-fallback}", env(), "x") == "fallback");
  CHECK(*expand_variables("${EMPTY:-fallback}", env(), "x") == "fallback");
  CHECK(*expand_variables("$HOME and $ stay", env(), "x") == "$HOME and $ stay");
  auto missing = expand_variables("a ${NOPE} b", env(), "cfg:3:5");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::kConfig);
  CHECK(missing.error().where == "cfg:3:5");
  CHECK(missing.error().message.find("NOPE") != std::string::npos);
  CHECK_FALSE(expand_variables("${HOME", env(), "x"));
}

TEST_CASE("parse_server_config: stdio and http entries, with every key") {
  auto stdio = parse_server_config("mem",
                                   json{{"command", "node"},
                                        {"args", {"${HOME}/server.js", "--flag"}},
                                        {"env", {{"KEY", "${TOKEN_X}"}, {"N", 3}}},
                                        {"cwd", "sub"},
                                        {"timeout", "2m"}},
                                   env(), where_in("c.yaml"));
  REQUIRE_MESSAGE(stdio, (stdio ? "" : stdio.error().to_string()));
  CHECK(stdio->transport == TransportKind::kStdio);
  CHECK(stdio->args == std::vector<std::string>{"/home/ada/server.js", "--flag"});
  CHECK(stdio->env == NameValues{{"KEY", "s3cret"}, {"N", "3"}});
  CHECK(stdio->cwd == "sub");
  CHECK(stdio->timeout == std::chrono::minutes(2));
  CHECK(stdio->enabled);
  CHECK(stdio->origin == "c.yaml#");

  auto http = parse_server_config("web",
                                  json{{"type", "http"},
                                       {"url", "https://mcp.example/${NOPE:-v1}"},
                                       {"headers", {{"Authorization", "Bearer ${TOKEN_X}"}}},
                                       {"timeout", 30},
                                       {"enabled", false}},
                                  env(), where_in("c.yaml"));
  REQUIRE(http);
  CHECK(http->transport == TransportKind::kHttp);
  CHECK(http->url == "https://mcp.example/v1");
  CHECK(http->headers == NameValues{{"Authorization", "Bearer s3cret"}});
  CHECK(http->timeout == std::chrono::seconds(30));
  CHECK_FALSE(http->enabled);
  // Without a type, a url means http.
  CHECK(parse_server_config("u", json{{"url", "http://localhost:1/mcp"}}, env(), where_in("f"))
            ->transport == TransportKind::kHttp);
  CHECK(
      parse_server_config("s", json{{"type", "sse"}, {"url", "http://h/sse"}}, env(), where_in("f"))
          ->transport == TransportKind::kSse);
}

TEST_CASE("parse_server_config: a bad entry is an error naming the key and where it was set") {
  struct Case {
    json entry;
    std::string key;
  };
  for (const auto& [entry, key] : std::vector<Case>{
           {json{{"args", {"x"}}}, "command"},
           {json{{"command", 5}}, "command"},
           {json{{"command", "x"}, {"args", "a b"}}, "args"},
           {json{{"command", "x"}, {"args", {1}}}, "args/0"},
           {json{{"command", "x"}, {"env", {"A"}}}, "env"},
           {json{{"command", "x"}, {"timeout", "soon"}}, "timeout"},
           {json{{"command", "x"}, {"timeout", -1}}, "timeout"},
           {json{{"command", "x"}, {"enabled", "yes"}}, "enabled"},
           {json{{"type", "carrier-pigeon"}, {"command", "x"}}, "type"},
           {json{{"type", "http"}, {"url", "ftp://x"}}, "url"},
           {json{{"command", "x"}, {"comand", "y"}}, "comand"},
       }) {
    auto parsed = parse_server_config("srv", entry, env(), where_in("cfg"));
    REQUIRE_FALSE_MESSAGE(parsed, entry.dump());
    CHECK(parsed.error().code == ErrorCode::kConfig);
    CHECK_MESSAGE(parsed.error().message.find("`srv`") != std::string::npos,
                  parsed.error().message);
    CHECK_MESSAGE(parsed.error().where == "cfg#/" + key, parsed.error().to_string());
  }
  CHECK_FALSE(parse_server_config("srv", json("node"), env(), where_in("cfg")));
}

TEST_CASE("supported_protocol_version: the four published versions") {
  for (const char* version : {"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"})
    CHECK(supported_protocol_version(version));
  CHECK_FALSE(supported_protocol_version("2023-01-01"));
  CHECK(std::string(kProtocolVersion) == "2025-11-25");
}

TEST_CASE("render_call_result: each content type as the model reads it") {
  json result{
      {"content",
       {{{"type", "text"}, {"text", "first"}},
        {{"type", "image"}, {"mimeType", "image/png"}, {"data", std::string(4096, 'A')}},
        {{"type", "audio"}, {"mimeType", "audio/wav"}, {"data", "AAAA"}},
        {{"type", "resource_link"}, {"uri", "file:///a.txt"}, {"name", "a.txt"}},
        {{"type", "resource"},
         {"resource", {{"uri", "mem://note"}, {"mimeType", "text/plain"}, {"text", "inside"}}}}}},
      {"structuredContent", {{"b", 1}, {"a", "x"}}}};
  auto out = render_call_result(result, kDefaultOutputCap);
  CHECK_FALSE(out.is_error);
  CHECK(out.text ==
        "first\n"
        "[image: image/png, 3.0 KiB; not shown as text]\n"
        "[audio: audio/wav, 3 bytes; not shown as text]\n"
        "[resource link: file:///a.txt (a.txt)]\n"
        "[resource: mem://note, text/plain]\ninside\n"
        R"({"a":"x","b":1})");
  CHECK(out.text.find("AAAA") == std::string::npos);
}

TEST_CASE("render_call_result: structured content repeated as text is said once") {
  json result{{"content", {{{"type", "text"}, {"text", "{\n  \"t\": 3\n}"}}}},
              {"structuredContent", {{"t", 3}}}};
  CHECK(render_call_result(result, kDefaultOutputCap).text == "{\n  \"t\": 3\n}");
  json wrapped{{"content", {{{"type", "text"}, {"text", "[FILE] a"}}}},
               {"structuredContent", {{"content", "[FILE] a"}}}};
  CHECK(render_call_result(wrapped, kDefaultOutputCap).text == "[FILE] a");
  json different{{"content", {{{"type", "text"}, {"text", "[FILE] a"}}}},
                 {"structuredContent", {{"content", "[FILE] b"}}}};
  CHECK(render_call_result(different, kDefaultOutputCap).text ==
        "[FILE] a\n{\"content\":\"[FILE] b\"}");
}

TEST_CASE("render_call_result: isError, wrong shapes and the output cap") {
  auto failed = render_call_result(
      json{{"isError", true}, {"content", {{{"type", "text"}, {"text", "no such file"}}}}}, 100);
  CHECK(failed.is_error);
  CHECK(failed.text == "no such file");
  CHECK(render_call_result(json(42), 100).is_error);
  CHECK(render_call_result(json{{"content", "text"}}, 100).is_error);
  CHECK(render_call_result(json::object(), 100).text == "(no output)");
  auto big = render_call_result(
      json{{"content", {{{"type", "text"}, {"text", std::string(10000, 'x')}}}}}, 1000);
  CHECK(big.text.size() < 1200);
  CHECK(big.text.find("cut") != std::string::npos);
}

}  // namespace agentry::mcpclient
