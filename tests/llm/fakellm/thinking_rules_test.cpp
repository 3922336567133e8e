// The fake server's `thinking_rules` (issue 19): what it answers a request that enables
// extended thinking, and each refusal Anthropic and DeepSeek give, with their messages.
#include "fakellm/thinking_rules.hpp"

#include <doctest/doctest.h>

#include "fake_requests.hpp"

namespace agentry::fakellm {
namespace {

using namespace fake_requests;
using nlohmann::json;

constexpr const char* kRules = R"(
server: {thinking_rules: true, redacted_every: 2}
turns:
  - thinking: "Look at the file."
    tool_calls: [{id: toolu_1, name: read_file, arguments: {path: a.rs}}]
  - text: done
)";

json thinking_on(json messages, int budget = 2048, int max_tokens = 4096) {
  json body = anthropic(std::move(messages), nullptr, max_tokens);
  body["thinking"] = {{"type", "enabled"}, {"budget_tokens", budget}};
  return body;
}

json signed_block(const std::string& text) {
  return {{"type", "thinking"}, {"thinking", text}, {"signature", thinking_signature(text)}};
}

json tool_use() {
  return {{"type", "tool_use"},
          {"id", "toolu_1"},
          {"name", "read_file"},
          {"input", {{"path", "a.rs"}}}};
}

json tool_result() {
  return user(json::array(
      {{{"type", "tool_result"}, {"tool_use_id", "toolu_1"}, {"content", "fn a() {}"}}}));
}

json loop_with(json assistant_content) {
  return json::array({user("Read a.rs."),
                      {{"role", "assistant"}, {"content", std::move(assistant_content)}},
                      tool_result()});
}

std::string refusal(const Reply& r) {
  return r.json_body()["error"]["message"].get<std::string>();
}

}  // namespace

TEST_CASE("thinking rules: an answer starts with a signed thinking block, redacted every N turns") {
  auto server = serve(kRules);
  Reply first = send(*server, "/v1/messages", thinking_on(json::array({user("Read a.rs.")})));
  REQUIRE(first.status == 200);
  json content = first.json_body()["content"];
  CHECK(content[0] == signed_block("Look at the file."));
  CHECK(content[1]["type"] == "tool_use");
  // Turn 2 (redacted_every: 2) holds a redacted block first, then a thinking block of its own.
  json back = json::array({signed_block("Look at the file."), tool_use()});
  Reply second = send(*server, "/v1/messages", thinking_on(loop_with(back)));
  REQUIRE_MESSAGE(second.status == 200, second.body);
  json answer = second.json_body()["content"];
  CHECK(answer[0]["type"] == "redacted_thinking");
  CHECK(answer[1]["type"] == "thinking");
  CHECK(answer[1]["signature"] == thinking_signature(answer[1]["thinking"].get<std::string>()));
  CHECK(answer[2] == json({{"type", "text"}, {"text", "done"}}));
}

TEST_CASE("thinking rules: a request without thinking gets no thinking blocks") {
  auto server = serve(kRules);
  Reply r = send(*server, "/v1/messages", anthropic(json::array({user("Read a.rs.")})));
  REQUIRE(r.status == 200);
  CHECK(r.json_body()["content"][0]["type"] == "tool_use");
}

TEST_CASE("thinking rules: a tool loop without its thinking block is refused") {
  auto server = serve(kRules);
  Reply r = send(*server, "/v1/messages", thinking_on(loop_with(json::array({tool_use()}))));
  CHECK(r.status == 400);
  CHECK(refusal(r).starts_with(
      "messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found "
      "`tool_use`."));
  Reply text_first = send(
      *server, "/v1/messages",
      thinking_on(loop_with(json::array({{{"type", "text"}, {"text", "Reading."}}, tool_use()}))));
  CHECK(text_first.status == 400);
  CHECK(refusal(text_first).find("but found `text`") != std::string::npos);
  CHECK(server->totals().refused == 2);
}

TEST_CASE("thinking rules: an altered thinking block or redacted data is refused") {
  auto server = serve(kRules);
  json altered = signed_block("Look at the file.");
  altered["thinking"] = "Look at the other file.";
  Reply r =
      send(*server, "/v1/messages", thinking_on(loop_with(json::array({altered, tool_use()}))));
  CHECK(r.status == 400);
  CHECK(refusal(r) == "messages.1.content.0: Invalid `signature` in `thinking` block");
  json forged = {{"type", "redacted_thinking"}, {"data", "RkFLRS1SRURBQ1RFRC0wMDAy.0000"}};
  Reply f = send(*server, "/v1/messages",
                 thinking_on(loop_with(json::array({forged, signed_block("x"), tool_use()}))));
  CHECK(f.status == 400);
  CHECK(refusal(f) == "messages.1.content.0: Invalid `data` in `redacted_thinking` block");
  json genuine = {{"type", "redacted_thinking"}, {"data", redacted_data(2)}};
  Reply g = send(*server, "/v1/messages",
                 thinking_on(loop_with(json::array({genuine, signed_block("x"), tool_use()}))));
  CHECK(g.status == 200);
}

TEST_CASE("thinking rules: temperature, budget and forced tool_choice are refused") {
  auto server = serve(kRules);
  json hot = thinking_on(json::array({user("hi")}));
  hot["temperature"] = 0.2;
  Reply t = send(*server, "/v1/messages", hot);
  CHECK(t.status == 400);
  CHECK(refusal(t).starts_with("`temperature` may only be set to 1 when thinking is enabled."));
  json one = thinking_on(json::array({user("hi")}));
  one["temperature"] = 1;
  CHECK(send(*server, "/v1/messages", one).status == 200);

  Reply over = send(*server, "/v1/messages", thinking_on(json::array({user("hi")}), 4096, 4096));
  CHECK(over.status == 400);
  CHECK(refusal(over).starts_with("`max_tokens` must be greater than `thinking.budget_tokens`."));
  Reply small = send(*server, "/v1/messages", thinking_on(json::array({user("hi")}), 512));
  CHECK(small.status == 400);
  CHECK(refusal(small) ==
        "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");

  json forced = thinking_on(json::array({user("hi")}));
  forced["tool_choice"] = {{"type", "any"}};
  Reply c = send(*server, "/v1/messages", forced);
  CHECK(c.status == 400);
  CHECK(refusal(c) == "Thinking may not be enabled when tool_choice forces tool use.");
}

TEST_CASE("thinking rules: the OpenAI route streams reasoning_content and refuses it sent back") {
  auto server = serve(kRules);
  Reply first = send(*server, "/v1/chat/completions", openai(json::array({user("Read a.rs.")})));
  REQUIRE(first.status == 200);
  json message = first.json_body()["choices"][0]["message"];
  CHECK(message["reasoning_content"] == "Look at the file.");
  json echoed = message;
  Reply back = send(
      *server, "/v1/chat/completions",
      openai(json::array({user("Read a.rs."),
                          echoed,
                          {{"role", "tool"}, {"tool_call_id", "toolu_1"}, {"content", "x"}}})));
  CHECK(back.status == 400);
  CHECK(back.json_body()["error"]["message"].get<std::string>().find("reasoning_content") !=
        std::string::npos);
  echoed.erase("reasoning_content");
  Reply clean = send(
      *server, "/v1/chat/completions",
      openai(json::array({user("Read a.rs."),
                          echoed,
                          {{"role", "tool"}, {"tool_call_id", "toolu_1"}, {"content", "x"}}})));
  CHECK(clean.status == 200);
}

TEST_CASE("without thinking_rules nothing of this is enforced") {
  auto server = serve("- text: ok\n");
  json hot = thinking_on(json::array({user("hi")}), 4096, 4096);
  hot["temperature"] = 0.2;
  CHECK(send(*server, "/v1/messages", hot).status == 200);
}

}  // namespace agentry::fakellm
