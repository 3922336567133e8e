#include "store/session_export.hpp"

#include <sstream>

#include <doctest/doctest.h>

namespace agentry::store {

namespace {

Transcript sample() {
  Transcript t;
  t.session.id = "01HZX3V9K2M4N6P8Q0R2S4T6V8";
  t.session.parent_id = "01HZX3V9K2M4N6P8Q0R2S4T6V0";
  t.session.parent_tool_call_id = "call_parent";
  t.session.agent = "rust-pro";
  t.session.model = "gpt-test";
  t.session.provider = "fake";
  t.session.cwd = "/work/crate";
  t.session.title = "Fix clippy";
  t.session.status = SessionStatus::kDone;
  t.session.result = "Clean now.";
  t.session.created_at_ms = 1700000000000;  // 2023-11-14 22:13:20 UTC
  t.session.updated_at_ms = 1700000065000;

  ToolCall call{"call_1", "cargo_clippy", nlohmann::json{{"args", {"--", "-D", "warnings"}}}, ""};
  ToolCall bad{"call_2", "edit_file", nlohmann::json(nullptr), "{\"path\":"};
  t.messages = {
      {0, 0, Message::user("Fix clippy")},
      {1, 0, Message::assistant("Running clippy.", {call, bad})},
      {2, 0,
       Message::tool({{"call_1", "cargo_clippy", "warning: `x` unused\n```\ncode\n```", true},
                      {"call_2", "edit_file", "arguments are not JSON", true}})},
      {3, 1, Message::assistant("Clean now.")},
  };
  TurnUsage priced;
  priced.tokens = {100, 20, 50, 0};
  priced.cost_usd = 0.0015;
  TurnUsage unpriced;
  unpriced.tokens = {120, 10, 0, 5};
  t.turns = {{0, 0, 3, priced, 1700000010000}, {1, 3, 1, unpriced, 1700000060000}};
  SessionInfo child = t.session;
  child.id = "01HZX3V9K2M4N6P8Q0R2S4T6VA";
  child.parent_id = t.session.id;
  child.title = "Check docs";
  child.agent = "doc-writer";
  child.status = SessionStatus::kError;
  t.children = {child};
  return t;
}

}  // namespace

TEST_CASE("JSONL export: a session header, one line per message, one per turn's usage") {
  std::string expected =
      R"({"agent":"rust-pro","children":["01HZX3V9K2M4N6P8Q0R2S4T6VA"],"created_at_ms":1700000000000,)"
      R"("cwd":"/work/crate","id":"01HZX3V9K2M4N6P8Q0R2S4T6V8","model":"gpt-test",)"
      R"("parent_id":"01HZX3V9K2M4N6P8Q0R2S4T6V0","parent_tool_call_id":"call_parent",)"
      R"("provider":"fake","result":"Clean now.","status":"done","title":"Fix clippy",)"
      R"("type":"session","updated_at_ms":1700000065000,"version":1})"
      "\n"
      R"({"role":"user","seq":0,"text":"Fix clippy","turn":0,"type":"message"})"
      "\n"
      R"({"role":"assistant","seq":1,"text":"Running clippy.","tool_calls":[)"
      R"({"arguments":{"args":["--","-D","warnings"]},"id":"call_1","name":"cargo_clippy"},)"
      R"({"arguments":null,"id":"call_2","name":"edit_file","raw_arguments":"{\"path\":"}],)"
      R"("turn":0,"type":"message"})"
      "\n"
      R"({"role":"tool","seq":2,"tool_results":[{"call_id":"call_1","content":)"
      R"("warning: `x` unused\n```\ncode\n```","is_error":true,"name":"cargo_clippy"},)"
      R"({"call_id":"call_2","content":"arguments are not JSON","is_error":true,"name":"edit_file"}],)"
      R"("turn":0,"type":"message"})"
      "\n"
      R"({"role":"assistant","seq":3,"text":"Clean now.","turn":1,"type":"message"})"
      "\n"
      R"({"cache_read_tokens":50,"cache_write_tokens":0,"cost_usd":0.0015,"created_at_ms":1700000010000,)"
      R"("first_seq":0,"input_tokens":100,"message_count":3,"output_tokens":20,"turn":0,"type":"usage"})"
      "\n"
      R"({"cache_read_tokens":0,"cache_write_tokens":5,"cost_usd":null,"created_at_ms":1700000060000,)"
      R"("first_seq":3,"input_tokens":120,"message_count":1,"output_tokens":10,"turn":1,"type":"usage"})"
      "\n";
  CHECK(to_jsonl(sample()) == expected);

  // Every line parses on its own and messages come back as the same core::Message.
  std::istringstream lines(expected);
  std::string line;
  std::vector<Message> messages;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line);
    if (j["type"] == "message") messages.push_back(j.get<Message>());
  }
  std::vector<Message> original;
  for (const auto& m : sample().messages)
    original.push_back(m.message);
  CHECK(messages == original);
}

TEST_CASE("JSONL export of a root session has null parents and no children") {
  Transcript t;
  t.session.id = "01HZX3V9K2M4N6P8Q0R2S4T6V8";
  t.session.status = SessionStatus::kRunning;
  CHECK(to_jsonl(t) ==
        R"({"agent":"","children":[],"created_at_ms":0,"cwd":"","id":"01HZX3V9K2M4N6P8Q0R2S4T6V8",)"
        R"("model":"","parent_id":null,"parent_tool_call_id":null,"provider":"","result":null,)"
        R"("status":"running","title":"","type":"session","updated_at_ms":0,"version":1})"
        "\n");
}

TEST_CASE("invalid UTF-8 is replaced rather than failing the export") {
  Transcript t;
  t.messages = {{0, 0, Message::user(std::string("bad \xFF byte"))}};
  std::string out = to_jsonl(t);
  CHECK(out.find("\"text\":\"bad \xEF\xBF\xBD byte\"") != std::string::npos);
}

TEST_CASE("markdown export: readable transcript with folded tool results and a usage table") {
  std::string expected = R"(# Fix clippy

| | |
|---|---|
| Session | `01HZX3V9K2M4N6P8Q0R2S4T6V8` |
| Agent | rust-pro |
| Model | gpt-test (fake) |
| Directory | `/work/crate` |
| Status | done |
| Started | 2023-11-14 22:13:20 UTC |
| Updated | 2023-11-14 22:14:25 UTC |
| Parent | `01HZX3V9K2M4N6P8Q0R2S4T6V0` (tool call `call_parent`) |

## User

Fix clippy

## Assistant

Running clippy.

**Tool call** `cargo_clippy` · `call_1`

```json
{
  "args": [
    "--",
    "-D",
    "warnings"
  ]
}
```

**Tool call** `edit_file` · `call_2`

```json
{"path":
```

## Tool results

<details>
<summary>cargo_clippy · call_1 — error</summary>

````text
warning: `x` unused
```
code
```
````

</details>

<details>
<summary>edit_file · call_2 — error</summary>

```text
arguments are not JSON
```

</details>

## Assistant

Clean now.

## Result (done)

Clean now.

## Subagents

- `01HZX3V9K2M4N6P8Q0R2S4T6VA` doc-writer — Check docs (error)

## Usage

| Turn | Input | Output | Cache read | Cache write | Cost (USD) |
|---:|---:|---:|---:|---:|---:|
| 0 | 100 | 20 | 50 | 0 | 0.0015 |
| 1 | 120 | 10 | 0 | 5 | – |
| **Total** | 220 | 30 | 50 | 5 | 0.0015 |
)";
  CHECK(to_markdown(sample()) == expected);
  std::ostringstream out;
  write_markdown(out, sample());
  CHECK(out.str() == expected);
}

}  // namespace agentry::store

namespace agentry::store {

TEST_CASE("markdown export holds no terminal escapes (people cat it), JSONL keeps every byte") {
  Transcript t = sample();
  std::string hostile =
      "ok\x1b]52;c;cm0gLXJmIH4=\x07\x1b]0;owned\x07\x1b[2J\rredo\xe2\x80\xae\xc2\x9b";
  t.session.title = hostile;
  t.session.result = hostile;
  t.messages.push_back({4, 1, Message::assistant(hostile)});
  std::string md = to_markdown(t);
  for (std::string_view bad : {"\x1b", "\r", "\x07", "\xe2\x80\xae", "\xc2\x9b"})
    CHECK(md.find(bad) == std::string::npos);
  CHECK(md.find("ok\nredo") != std::string::npos);
  CHECK(to_jsonl(t).find("\\u001b]52;c;cm0gLXJmIH4=") != std::string::npos);
}

}  // namespace agentry::store
