#include "llm/sse_parser.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

using namespace std::string_literals;

namespace agentry::llm {
namespace {

struct Seen {
  std::string type;
  std::string data;
  std::string id;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> parse_in_pieces(std::string_view stream, std::vector<std::size_t> cuts) {
  SseParser parser;
  std::vector<Seen> out;
  auto handler = [&](const SseEvent& e) { out.push_back({e.type, e.data, e.id}); };
  std::size_t at = 0;
  cuts.push_back(stream.size());
  for (std::size_t cut : cuts) {
    parser.feed(stream.substr(at, cut - at), handler);
    at = cut;
  }
  parser.finish();
  return out;
}

std::vector<Seen> parse_whole(std::string_view stream) {
  return parse_in_pieces(stream, {});
}

/// Every split into two pieces and every byte-by-byte feed must give the same events.
void check_every_split(std::string_view stream, const std::vector<Seen>& expected) {
  CHECK(parse_whole(stream) == expected);
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    INFO("split at byte " << cut);
    CHECK(parse_in_pieces(stream, {cut}) == expected);
  }
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < stream.size(); ++i)
    every.push_back(i);
  CHECK(parse_in_pieces(stream, every) == expected);
}

TEST_CASE("a chat-completions stream yields one event per data line, whatever the split") {
  std::string stream =
      "data: {\"choices\":[{\"delta\":{\"content\":\"h\xC3\xA9llo\"}}]}\n\n"
      "data: {\"choices\":[]}\n\n"
      "data: [DONE]\n\n";
  check_every_split(stream,
                    {{"message", "{\"choices\":[{\"delta\":{\"content\":\"h\xC3\xA9llo\"}}]}", ""},
                     {"message", "{\"choices\":[]}", ""},
                     {"message", "[DONE]", ""}});
}

TEST_CASE("CRLF, lone CR and LF line ends are all line ends, and CR LF split across reads is one") {
  std::string stream = "event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\rdata: 3\n\n";
  check_every_split(stream, {{"a", "1", ""}, {"b", "2", ""}, {"message", "3", ""}});
}

TEST_CASE("multi-line data joins with LF and a field without space after the colon is the same") {
  std::string stream = "data:first\ndata: second\ndata:\ndata:  two spaces\n\n";
  check_every_split(stream, {{"message", "first\nsecond\n\n two spaces", ""}});
}

TEST_CASE("comments, keep-alives and unknown fields are ignored") {
  std::string stream =
      ": OPENROUTER PROCESSING\n\n"
      ":\n"
      ": ping - 2026-11-20 10:00:00\r\n\r\n"
      "foo: bar\n"
      "data: x\n"
      "nocolon\n"
      "\n";
  check_every_split(stream, {{"message", "x", ""}});
}

TEST_CASE("event, id and retry fields") {
  std::string stream =
      "event: message_start\nid: 7\nretry: 1500\ndata: {}\n\n"
      "event: ping\ndata: {\"type\": \"ping\"}\n\n"
      "id: bad\0id\ndata: z\n\n"s;
  check_every_split(
      stream,
      {{"message_start", "{}", "7"}, {"ping", "{\"type\": \"ping\"}", "7"}, {"message", "z", "7"}});
  SseParser parser;
  parser.feed(stream, [](const SseEvent&) {});
  CHECK(parser.retry_ms() == 1500);
  SseParser bad_retry;
  bad_retry.feed("retry: 15x\n\n", [](const SseEvent&) {});
  CHECK_FALSE(bad_retry.retry_ms().has_value());
}

TEST_CASE("an event with no data is not dispatched and its type does not leak into the next") {
  check_every_split("event: lonely\n\ndata: d\n\n", {{"message", "d", ""}});
}

TEST_CASE("a leading BOM is dropped, also when split, a later one is data") {
  std::string stream =
      "\xEF\xBB\xBF"
      "data: a\n\ndata: \xEF\xBB\xBF"
      "b\n\n";
  check_every_split(stream, {{"message", "a", ""},
                             {"message",
                              "\xEF\xBB\xBF"
                              "b",
                              ""}});
  CHECK(parse_whole("\xEF\xBB"
                    "data: x\n\n")
            .empty());  // a broken BOM is part of the field name
}

TEST_CASE("an event without its terminating blank line is discarded at the end of the stream") {
  check_every_split("data: complete\n\ndata: partial\n", {{"message", "complete", ""}});
  check_every_split("data: partial", {});
}

TEST_CASE("finish() makes the parser ready for a new stream") {
  SseParser parser;
  std::vector<std::string> data;
  auto handler = [&](const SseEvent& e) { data.push_back(e.data); };
  parser.feed("data: cut off", handler);
  parser.finish();
  parser.feed(
      "\xEF\xBB\xBF"
      "data: fresh\n\n",
      handler);
  REQUIRE(data.size() == 1);
  CHECK(data[0] == "fresh");
}

TEST_CASE("the Anthropic fixture stream splits identically at every byte") {
  std::string stream =
      "event: message_start\r\n"
      "data: {\"type\":\"message_start\",\"message\":{\"model\":\"m\"}}\r\n\r\n"
      "event: content_block_delta\r\n"
      "data: "
      "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
      "\"partial_json\":\"{\\\"package\\\":\"}}\r\n\r\n"
      "event: message_stop\r\n"
      "data: {\"type\":\"message_stop\"}\r\n\r\n";
  auto whole = parse_whole(stream);
  REQUIRE(whole.size() == 3);
  CHECK(whole[1].type == "content_block_delta");
  check_every_split(stream, whole);
}

}  // namespace
}  // namespace agentry::llm
