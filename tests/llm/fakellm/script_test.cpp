#include "fakellm/script.hpp"

#include <doctest/doctest.h>

#include "core/config.hpp"
#include "support/temp_dir.hpp"

namespace agentry::fakellm {
namespace {

Result<Script> parse(std::string_view yaml) {
  auto doc = yaml_to_json(yaml, "script.yaml");
  REQUIRE(doc.has_value());
  return parse_script(*doc);
}

TEST_CASE("a script's turns, tool calls, usage, shaping and faults") {
  auto s = parse(R"(
turns:
  - just text
  - when: {turn: 2, contains: fixed}
    text: Done.
    tool_calls:
      - {id: call_1, name: cargo_check, arguments: {package: a}}
      - {name: raw, arguments: '{"broken": '}
    usage: {input: 10, output: 2, cache_read: 3}
    finish_reason: stop
    line_end: crlf
    drip_tokens_per_second: 5
    faults:
      - {status: 429, retry_after: 1, retry_after_ms: 50, x_should_retry: true, times: 2}
      - {cut_after_bytes: 10, error_code: 503}
)");
  REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().to_string()));
  REQUIRE(s->turns.size() == 2);
  CHECK(s->turns[0].text == "just text");
  CHECK_FALSE(s->turns[0].has_when());
  const Turn& t = s->turns[1];
  CHECK(t.when_turn == 2);
  CHECK(t.when_contains == "fixed");
  REQUIRE(t.tool_calls.size() == 2);
  CHECK(t.tool_calls[0].arguments == R"({"package":"a"})");
  CHECK(t.tool_calls[1].id == "call_2");
  CHECK(t.tool_calls[1].arguments == R"({"broken": )");
  CHECK(t.usage == Usage{10, 2, 3, 0});
  CHECK(t.shape.line_end == "\r\n");
  CHECK(t.shape.drip_tokens_per_second == 5);
  REQUIRE(t.faults.size() == 2);
  CHECK(t.faults[0].times == 2);
  CHECK(t.faults[0].retry_after == "1");
  CHECK(t.faults[0].retry_after_ms == 50);
  CHECK(t.faults[0].x_should_retry == "true");
  CHECK(t.faults[1].cut_after_bytes == 10);
  CHECK(t.faults[1].error_code == "503");
}

TEST_CASE("script mistakes are reported with the turn and key") {
  auto typo = parse("- {text: hi, dleay_ms: 5}\n");
  REQUIRE_FALSE(typo.has_value());
  CHECK(typo.error().message == "turn 1: `dleay_ms` is not a known key");
  auto bad_fault = parse("- text: a\n- text: b\n  faults: [{status: many}]\n");
  REQUIRE_FALSE(bad_fault.has_value());
  CHECK(bad_fault.error().message == "turn 2 fault 1: `status` has the wrong type");
  auto no_turns = parse("{model: x}\n");
  REQUIRE_FALSE(no_turns.has_value());
  CHECK(no_turns.error().message == "the script has no `turns` list");
}

TEST_CASE("load_script reads JSON and YAML files and names the file in errors") {
  testing::TempDir dir;
  auto ok = load_script(dir.write("s.json", R"([{"text": "hi"}])"));
  REQUIRE(ok.has_value());
  CHECK(ok->turns.at(0).text == "hi");
  auto bad = load_script(dir.write("bad.yaml", "- {line_end: lfcr}\n"));
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().where == (dir.path() / "bad.yaml").string());
  CHECK_FALSE(load_script(dir.path() / "missing.yaml").has_value());
}

}  // namespace
}  // namespace agentry::fakellm
