#include "mcpclient/jsonrpc.hpp"

#include <sstream>

#include <doctest/doctest.h>

namespace agentry::mcpclient::jsonrpc {

using nlohmann::json;

TEST_CASE("parse_message: a request keeps its id's JSON type") {
  auto m = parse_message(R"({"jsonrpc":"2.0","id":"a7","method":"tools/list","params":{}})");
  REQUIRE(std::holds_alternative<Request>(m));
  const auto& r = std::get<Request>(m);
  CHECK(r.id == json("a7"));
  CHECK(r.method == "tools/list");
  CHECK(r.params == json::object());

  auto n = parse_message(R"({"jsonrpc":"2.0","id":7,"method":"ping"})");
  REQUIRE(std::holds_alternative<Request>(n));
  CHECK(std::get<Request>(n).id == json(7));
  CHECK(std::get<Request>(n).params.is_null());
}

TEST_CASE("parse_message: notifications and responses") {
  auto n = parse_message(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  REQUIRE(std::holds_alternative<Notification>(n));
  CHECK(std::get<Notification>(n).method == "notifications/initialized");

  auto r = parse_message(R"({"jsonrpc":"2.0","id":3,"result":{}})");
  REQUIRE(std::holds_alternative<Response>(r));
  CHECK(std::get<Response>(r).id == json(3));
  CHECK(std::get<Response>(r).result == json::object());
  CHECK(std::get<Response>(r).error.is_null());

  auto e = parse_message(R"({"jsonrpc":"2.0","id":"k","error":{"code":-32601,"message":"no"}})");
  REQUIRE(std::holds_alternative<Response>(e));
  CHECK(std::get<Response>(e).error["code"] == -32601);
  CHECK(std::get<Response>(e).result.is_null());

  auto bad = parse_message(R"({"jsonrpc":"2.0","id":4,"error":"boom"})");
  REQUIRE(std::holds_alternative<Invalid>(bad));
  CHECK(std::get<Invalid>(bad).id == json(4));
}

TEST_CASE("parse_message: malformed JSON is a parse error with a null id") {
  auto m = parse_message(R"({"jsonrpc":"2.0","id":1,"method":)");
  REQUIRE(std::holds_alternative<Invalid>(m));
  CHECK(std::get<Invalid>(m).code == kParseError);
  CHECK(std::get<Invalid>(m).id.is_null());
  CHECK(std::get<Invalid>(m).message.rfind("Parse error: ", 0) == 0);

  std::string huge = "\"" + std::string(10000, 'x');
  auto h = parse_message(huge);
  REQUIRE(std::holds_alternative<Invalid>(h));
  CHECK(std::get<Invalid>(h).message.size() < 300);
}

TEST_CASE("parse_message: invalid requests") {
  struct Case {
    const char* line;
    json id;
  };
  const Case cases[] = {
      {R"([])", nullptr},
      {R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])", nullptr},
      {R"("ping")", nullptr},
      {R"({"id":1,"method":"ping"})", 1},
      {R"({"jsonrpc":"1.0","id":1,"method":"ping"})", 1},
      {R"({"jsonrpc":"2.0","id":{},"method":"ping"})", nullptr},
      {R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})", nullptr},
      {R"({"jsonrpc":"2.0","id":null,"method":"ping"})", nullptr},
      {R"({"jsonrpc":"2.0","id":2,"method":5})", 2},
      {R"({"jsonrpc":"2.0","id":2})", 2},
      {R"({"jsonrpc":"2.0","id":2,"method":"ping","params":"x"})", 2},
  };
  for (const auto& c : cases) {
    CAPTURE(c.line);
    auto m = parse_message(c.line);
    REQUIRE(std::holds_alternative<Invalid>(m));
    CHECK(std::get<Invalid>(m).code == kInvalidRequest);
    CHECK(std::get<Invalid>(m).id == c.id);
  }
}

TEST_CASE("make_error and make_notification build JSON-RPC 2.0 messages") {
  CHECK(make_error(nullptr, kParseError, "Parse error").dump() ==
        R"({"error":{"code":-32700,"message":"Parse error"},"id":null,"jsonrpc":"2.0"})");
  CHECK(make_error(4, kInvalidParams, "bad", {{"k", 1}}).dump() ==
        R"({"error":{"code":-32602,"data":{"k":1},"message":"bad"},"id":4,"jsonrpc":"2.0"})");
  CHECK(make_result("x", json::object()).dump() == R"({"id":"x","jsonrpc":"2.0","result":{}})");
  CHECK(make_notification("notifications/progress", {{"progress", 1}}).dump() ==
        R"({"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":1}})");
}

TEST_CASE("MessageWriter writes one compact line per message, even with invalid UTF-8") {
  std::ostringstream out;
  MessageWriter writer(out);
  CHECK(writer.send({{"text", "a\nb"}}));
  CHECK(writer.send({{"text", std::string("bad \xff byte")}}));
  CHECK(out.str() == "{\"text\":\"a\\nb\"}\n{\"text\":\"bad \xEF\xBF\xBD byte\"}\n");
}

TEST_CASE("MessageWriter reports a failed stream") {
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  MessageWriter writer(out);
  CHECK_FALSE(writer.send(json::object()));
}

}  // namespace agentry::mcpclient::jsonrpc
