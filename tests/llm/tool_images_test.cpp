// Images a tool handed back (an MCP server's image content): to Anthropic as image blocks in the
// tool_result, beside its text; kept in the stored message; the text alone elsewhere.
#include <doctest/doctest.h>

#include "llm/anthropic_wire.hpp"
#include "llm/openai_wire.hpp"

namespace agentry::llm {

using nlohmann::json;

namespace {

CompletionRequest with_image_result() {
  CompletionRequest request;
  request.model = "claude";
  request.messages.push_back(Message::user("show me"));
  request.messages.push_back(
      Message::assistant("", {ToolCall{"call_1", "mcp__everything__get-tiny-image", {}, {}}}));
  ToolResult result{"call_1", "mcp__everything__get-tiny-image", "[image: image/png, 70 bytes]",
                    false};
  result.images.push_back({"image/png", "iVBORw0KGgo="});
  request.messages.push_back(Message::tool({result}));
  return request;
}

}  // namespace

TEST_CASE("tool images: Anthropic gets them as image blocks in the tool_result") {
  json body = anthropic_request_json(with_image_result(), AnthropicOptions{});
  const json& block = body["messages"][2]["content"][0];
  REQUIRE(block["type"] == "tool_result");
  REQUIRE(block["content"].is_array());
  CHECK(block["content"][0] == json{{"type", "text"}, {"text", "[image: image/png, 70 bytes]"}});
  CHECK(block["content"][1] ==
        json{{"type", "image"},
             {"source",
              {{"type", "base64"}, {"media_type", "image/png"}, {"data", "iVBORw0KGgo="}}}});

  // Without images the content stays a string.
  auto plain = with_image_result();
  plain.messages[2].tool_results[0].images.clear();
  CHECK(anthropic_request_json(plain, AnthropicOptions{})["messages"][2]["content"][0]["content"] ==
        "[image: image/png, 70 bytes]");
}

TEST_CASE("tool images: kept in the stored message") {
  auto request = with_image_result();
  json stored = request.messages[2];
  CHECK(stored["tool_results"][0]["images"][0]["media_type"] == "image/png");
  CHECK(stored.get<Message>() == request.messages[2]);
  // A message stored before images existed reads back without any.
  stored["tool_results"][0].erase("images");
  CHECK(stored.get<Message>().tool_results[0].images.empty());
}

}  // namespace agentry::llm
