#!/usr/bin/env bash
# Writes the seed corpora under tests/fuzz/corpus/<target>/ from the tests' fixtures (agent files,
# task files, the fixture crates run through cargo and rustfmt) and from the wire formats of
# PROTOCOLS.md. Idempotent; seeds are small (a few KB). Crash inputs found by fuzzing live in the
# same folders as crash-*/timeout-* files and are never touched here.
# Usage: tests/fuzz/make_corpus.sh   (cargo seeds need cargo in PATH; else they are kept as they are)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
corpus=$root/tests/fuzz/corpus
fixtures=$root/tests/fixtures
mkdir -p "$corpus"/{front_matter,agent_parser,sse_parser,openai_stream,anthropic_stream} \
  "$corpus"/responses_stream \
  "$corpus"/{tool_arguments,cargo_diagnostics,rustfmt_report,mcp_server,task_file}

# Agent files: the fixtures (good and bad) and the built-in agents.
for f in "$fixtures"/agents/good/*.md "$fixtures"/agents/bad/*.md "$root"/agents/*.md; do
  name=seed-$(basename "$(dirname "$f")")-$(basename "$f")
  head -c 4096 "$f" >"$corpus/front_matter/$name"
  head -c 4096 "$f" >"$corpus/agent_parser/$name"
done

# Task files.
for f in "$fixtures"/batch/*.yaml "$fixtures"/batch/*.jsonl; do
  cp "$f" "$corpus/task_file/seed-$(basename "$f")"
done

# SSE streams. The first 8 bytes choose where the stream is cut (fuzz_input.hpp).
split=$'\x07\x0f\x02\x3f\x01\x11\x05\x20'
sse() { printf '%s' "$split" >"$1"; printf '%b' "$2" >>"$1"; }
sse "$corpus/sse_parser/seed-fields" \
  ': comment\r\nevent: ping\ndata: a\ndata:b\r\nid: 7\nretry: 1500\n\ndata\n\nid\n\r\n\xef\xbb\xbfdata: x'
sse "$corpus/sse_parser/seed-crlf" 'data: {"a":1}\r\n\r\ndata: [DONE]\r\r'
openai_text='data: {"id":"c1","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}\n\ndata: {"id":"c1","choices":[{"index":0,"delta":{"content":"lo \\u00e9"},"finish_reason":"stop"}]}\n\ndata: {"id":"c1","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":4}}}\n\ndata: [DONE]\n\n'
openai_tools='data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"cargo_check","arguments":""}}]},"finish_reason":null}]}\n\ndata: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"pack"}}]}}]}\n\ndata: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"age\\":\\"a\\"}"}},{"index":1,"function":{"name":"read_file","arguments":{"path":"src/lib.rs"}}}]}}]}\n\ndata: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}\n\ndata: [DONE]\n\n'
openai_error='data: {"choices":[{"index":0,"delta":{"content":"x"}}]}\n\ndata: {"error":{"message":"The server had an error","type":"server_error","code":500}}\n\n'
openai_length='data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"write_file","arguments":"{\\"path\\":"}}]},"finish_reason":"length"}]}\n\n'
for s in text tools error length; do
  var=openai_$s
  sse "$corpus/openai_stream/seed-$s" "${!var}"
  sse "$corpus/sse_parser/seed-openai-$s" "${!var}"
done
anthropic_text='event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","model":"claude-x","usage":{"input_tokens":10,"output_tokens":1}}}\n\nevent: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\nevent: ping\ndata: {"type":"ping"}\n\nevent: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}\n\nevent: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\nevent: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":5}}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n'
anthropic_tools='event: message_start\ndata: {"type":"message_start","message":{"model":"claude-x","usage":{"input_tokens":3}}}\n\nevent: content_block_start\ndata: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"cargo_check","input":{}}}\n\nevent: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"package\\":"}}\n\nevent: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" \\"a\\"}"}}\n\nevent: content_block_start\ndata: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_2","name":"glob","input":{"pattern":"*.rs"}}}\n\nevent: content_block_stop\ndata: {"type":"content_block_stop","index":1}\n\nevent: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9,"cache_read_input_tokens":2}}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n'
anthropic_error='event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}}\n\nevent: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n'
anthropic_untyped='data: {"type":"message_start","message":{"model":"llama"}}\n\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}\n\ndata: {"type":"message_delta","delta":{"stop_reason":"max_tokens"}}\n\ndata: {"type":"message_stop"}\n\n'
for s in text tools error untyped; do
  var=anthropic_$s
  sse "$corpus/anthropic_stream/seed-$s" "${!var}"
  sse "$corpus/sse_parser/seed-anthropic-$s" "${!var}"
done

responses_text='event: response.created\ndata: {"type":"response.created","response":{"id":"resp_1","model":"gpt-5"}}\n\nevent: response.output_item.added\ndata: {"type":"response.output_item.added","output_index":0,"item":{"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"gAAA"}}\n\nevent: response.reasoning_summary_text.delta\ndata: {"type":"response.reasoning_summary_text.delta","output_index":0,"summary_index":0,"delta":"Think"}\n\nevent: response.output_item.added\ndata: {"type":"response.output_item.added","output_index":1,"item":{"type":"message","id":"msg_1","role":"assistant","content":[]}}\n\nevent: response.output_text.delta\ndata: {"type":"response.output_text.delta","output_index":1,"content_index":0,"delta":"Hel"}\n\nevent: response.output_text.delta\ndata: {"type":"response.output_text.delta","output_index":1,"content_index":0,"delta":"lo"}\n\nevent: response.completed\ndata: {"type":"response.completed","response":{"status":"completed","model":"gpt-5","usage":{"input_tokens":20,"output_tokens":4,"input_tokens_details":{"cached_tokens":8},"output_tokens_details":{"reasoning_tokens":2}}}}\n\n'
responses_tools='data: {"type":"response.output_item.added","output_index":0,"item":{"type":"function_call","id":"fc_1","call_id":"call_1","name":"cargo_check","arguments":""}}\n\ndata: {"type":"response.function_call_arguments.delta","output_index":0,"delta":"{\\"package\\":"}\n\ndata: {"type":"response.function_call_arguments.done","output_index":0,"arguments":"{\\"package\\":\\"a\\"}"}\n\ndata: {"type":"response.output_item.done","output_index":0,"item":{"type":"function_call","id":"fc_1","call_id":"call_1","name":"cargo_check","arguments":"{\\"package\\":\\"a\\"}"}}\n\ndata: {"type":"response.completed","response":{"status":"completed"}}\n\n'
responses_error='data: {"type":"response.output_text.delta","output_index":0,"delta":"x"}\n\ndata: {"type":"response.failed","response":{"status":"failed","error":{"code":"rate_limit_exceeded","message":"Slow down"}}}\n\n'
responses_incomplete='data: {"type":"response.output_item.done","output_index":3,"item":{"type":"message","content":[{"type":"output_text","text":"whole"}]}}\n\ndata: {"type":"response.incomplete","response":{"status":"incomplete","incomplete_details":{"reason":"max_output_tokens"}}}\n\n'
for s in text tools error incomplete; do
  var=responses_$s
  sse "$corpus/responses_stream/seed-$s" "${!var}"
done

# Tool arguments: the first byte picks the tool (index into the sorted tools/*.yaml).
i=0
for f in "$root"/tools/*.yaml; do
  tool=$(basename "$f" .yaml)
  byte=$(printf '\\x%02x' "$i")
  printf "$byte%s" '{"path":"src/lib.rs","offset":1,"limit":20,"package":"a","pattern":"fn \\w+","old_string":"a","new_string":"b","content":"x","tests":["t"],"release":false}' \
    >"$corpus/tool_arguments/seed-$tool-full"
  printf "$byte%s" '{}' >"$corpus/tool_arguments/seed-$tool-empty"
  printf "$byte%s" '{"path":7,"limit":"ten","extra":[1,{"a":null}],"offset":-1e400}' \
    >"$corpus/tool_arguments/seed-$tool-wrong"
  i=$((i + 1))
done

# MCP sessions: newline-delimited JSON-RPC.
init='{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"fuzz","version":"1"}}}'
inited='{"jsonrpc":"2.0","method":"notifications/initialized"}'
printf '%s\n' "$init" "$inited" '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' \
  '{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"rust-pro","arguments":{"task":"fix it","cwd":"."},"_meta":{"progressToken":5}}}' \
  '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_agents","arguments":{}}}' \
  '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"a"}}' \
  '{"jsonrpc":"2.0","id":3,"method":"ping"}' >"$corpus/mcp_server/seed-session"
printf '%s\n' '{"jsonrpc":"2.0","id":9,"method":"server/discover"}' "$init" \
  '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"reviewer","arguments":{"task":"fail now","session_id":"s1"}}}' \
  'not json' '[]' '{"jsonrpc":"2.0","id":1}' '{"jsonrpc":"2.0","id":99,"result":{}}' \
  '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":[1]}' >"$corpus/mcp_server/seed-errors"

# cargo --message-format=json and cargo fmt --check, from the fixture crates.
if command -v cargo >/dev/null 2>&1; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  for crate in type_error borrow_error clippy_lint many_warnings workspace hand_suggestions \
    multiline_fix lifetime_fix doc_markdown errors_and_fixes; do
    cp -r "$fixtures/crates/$crate" "$work/$crate"
    (cd "$work/$crate" && cargo clippy --quiet --message-format=json 2>/dev/null || true) |
      sed "s|$work|/work|g" |
      awk '{ if (n + length($0) + 1 > 8000) next; n += length($0) + 1; print }' >"$corpus/cargo_diagnostics/seed-$crate"
  done
  cp -r "$fixtures/crates/unformatted" "$work/unformatted"
  (cd "$work/unformatted" && cargo fmt --check -- --color never 2>/dev/null || true) |
    sed "s|$work/unformatted|/crate|g" | head -c 4000 >"$corpus/rustfmt_report/seed-diff"
  printf 'fn broken( {\n' >"$work/unformatted/src/lib.rs"
  {
    printf '\0'
    (cd "$work/unformatted" && cargo fmt --check -- --color never 2>&1 >/dev/null || true) |
      sed "s|$work/unformatted|/crate|g"
  } >"$corpus/rustfmt_report/seed-parse-error"
fi
printf 'Diff in /crate/src/lib.rs at line 3:\n fn a() {\n-  x\n+    x\n }\nDiff in /crate/src/main.rs:1:\n+use std::io;\n' \
  >"$corpus/rustfmt_report/seed-old-header"
