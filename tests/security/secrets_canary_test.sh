#!/usr/bin/env bash
# The secrets canary: every front-end (`run` in its three output formats — stream-json through the
# orchestrator delegating to rust-pro, json in the sandbox where bubblewrap works —, `chat` in
# tmux, `batch` with --isolate and a check command, `mcp`) runs with a random canary API key in
# the environment (OPENAI_API_KEY, ANTHROPIC_API_KEY and a config provider's api_key_env variable,
# whose name no secret-name rule catches) and in the user config (a provider header), at
# --log-level trace, against the fake LLM server. The scripted model makes the agent call real
# tools, cargo_test included, on a crate whose build script and test dump their whole environment
# into the workspace, and then read that dump back (so a leaked key would also travel to the
# model). A provider answering 401 with the key in its body checks the error path.
#
# Then every byte written is scanned — stdout, stderr, log files, the raw terminal output of the
# chat, the session store (sessions.db, -wal, -shm), session exports (jsonl, markdown), batch
# results, every file in the workspaces, HOME, XDG dirs and TMPDIR, the environment dumps, and
# the request bodies the model received — for the canary, its first 12 characters and its
# base64 forms. The key must appear in exactly one place: the credential headers the fake server
# received, which proves it was really used.
#
# Usage: secrets_canary_test.sh   (env: AGENTRY_BIN, AGENTRY_FAKE_LLM; cargo in PATH or
# ~/.cargo/bin; tmux for the chat part; AGENTRY_CANARY_KEEP=1 keeps the temporary folder)
set -euo pipefail

: "${AGENTRY_BIN:?set AGENTRY_BIN to the agentry binary}"
: "${AGENTRY_FAKE_LLM:?set AGENTRY_FAKE_LLM to the agentry-fake-llm binary}"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fixture=$here/../fixtures/crates/env_dump
real_home=${HOME:-/root}
tool_path="$real_home/.cargo/bin:$PATH"
command -v tmux >/dev/null || { echo "FAIL: tmux is not installed" >&2; exit 1; }
PATH=$tool_path command -v cargo >/dev/null || { echo "FAIL: cargo is not in PATH" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/agentry-canary.XXXXXX")
# Inputs that hold the key on purpose (the user config, the 401 script) and the fake server's
# own records live apart from what agentry writes: everything else under $tmp is scanned.
inputs=$tmp/inputs
server=$tmp/server
out=$tmp/out
mkdir -p "$inputs/config/agentry" "$server" "$out" "$tmp/home" "$tmp/data" "$tmp/tmp"
fake_pids=()
tmux_socket="agentry-canary-$$"
mcp_pid=
cleanup() {
  tmux -L "$tmux_socket" kill-server 2>/dev/null || true
  if [[ -n $mcp_pid ]]; then kill "$mcp_pid" 2>/dev/null || true; fi
  for pid in "${fake_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  [[ -n ${AGENTRY_CANARY_KEEP:-} ]] && echo "kept $tmp" >&2 || rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------------
# The canary and the forms it could leak in.
random=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
canary="sk-canary-$random"
# base64 of the key at each of the three byte alignments it could sit at inside a longer
# encoded text, with the characters that depend on its neighbours cut off.
b64() { base64 -w0; }
patterns=("$canary" "${canary:0:12}" "$random")
for prefix in "" "x" "xy"; do
  enc=$(printf '%s%s' "$prefix" "$canary" | b64)
  skip=$((${#prefix} > 0 ? 4 : 0))
  enc=${enc:skip}
  enc=${enc:0:${#enc}-4}
  patterns+=("$enc" "$(printf '%s' "$enc" | tr '+/' '-_')")
done

# ---------------------------------------------------------------------------------------------
# Two fake LLM servers: one that works, one that answers 401 and echoes the key in its body.
# Starts a fake server on script $1, logging requests to $2 (credentials as sent); sets $port.
start_fake() {
  local script=$1 log=$2 port_file
  port_file=$(mktemp "$server/port.XXXXXX")
  "$AGENTRY_FAKE_LLM" --script "$script" --requests-log "$log" --log-credentials \
    >"$port_file" 2>>"$server/fake.err" &
  fake_pids+=($!)
  for _ in $(seq 1 200); do
    [[ -s $port_file ]] && break
    sleep 0.05
  done
  port=$(head -1 "$port_file")
  [[ -n $port ]] || fail "the fake LLM server did not start: $(cat "$server/fake.err")"
}

# Each conversation takes the same path, chosen by its turn number: look around, run the tests
# (the crate's build script and test dump their environment), write a note and read the dumps
# back, answer.
# The orchestrator, asked to delegate, hands the task to rust-pro (whose conversation takes that
# path) and answers once the subagent's summary is back.
cat >"$inputs/script.yaml" <<'YAML'
turns:
  - when: {turn: 1, contains: "delegate:"}
    text: "Handing this to rust-pro."
    tool_calls:
      - id: call_0
        name: task
        arguments: {description: "Check the crate", prompt: "check the crate", subagent_type: rust-pro}
  - when: {turn: 2, contains: "Done: the canary tests pass."}
    text: "rust-pro says: Done: the canary tests pass."
  - when: {turn: 1}
    text: "Looking around first."
    tool_calls:
      - {id: call_1, name: list_files, arguments: {}}
      - {id: call_2, name: read_file, arguments: {path: src/lib.rs}}
      - {id: call_3, name: grep, arguments: {pattern: "fn add"}}
  - when: {turn: 2}
    text: "Running the tests."
    tool_calls:
      - {id: call_4, name: cargo_test, arguments: {}}
  - when: {turn: 3}
    text: "Reading what the tests saw, and noting it."
    tool_calls:
      - {id: call_5, name: write_file, arguments: {path: NOTES.md, content: "checked\n"}}
      - {id: call_6, name: read_file, arguments: {path: env_dump_test.txt}}
  - when: {turn: 4}
    text: "And what the build script saw."
    tool_calls:
      - {id: call_7, name: read_file, arguments: {path: env_dump_build.txt}}
  - when: {turn: 5}
    text: "Done: the canary tests pass."
YAML
start_fake "$inputs/script.yaml" "$server/requests.log"
good_port=$port

cat >"$inputs/script401.yaml" <<YAML
turns:
  - text: "never sent"
    faults:
      - status: 401
        times: 50
        body: '{"error":{"message":"Incorrect API key provided: $canary. You can find your API key at https://example.invalid/keys.","type":"invalid_request_error","code":"invalid_api_key"}}'
YAML
start_fake "$inputs/script401.yaml" "$server/requests401.log"
denied_port=$port

# The user config: providers that read the key from a variable named by api_key_env, and send it
# once more as a literal header value (an OpenAI-compatible gateway's second key).
cat >"$inputs/config/agentry/config.yaml" <<YAML
default_provider: canary
providers:
  canary:
    kind: openai
    base_url: http://127.0.0.1:$good_port/v1
    model: fake-model
    api_key_env: LLM_CANARY_CRED
    headers: {x-api-key: "$canary"}
  canary-anthropic:
    kind: anthropic
    base_url: http://127.0.0.1:$good_port
    model: fake-model
    api_key_env: ANTHROPIC_API_KEY
  denied:
    kind: openai
    base_url: http://127.0.0.1:$denied_port/v1
    model: fake-model
    api_key_env: LLM_CANARY_CRED
    max_retries: 0
YAML

# Every agentry process gets exactly this environment: the key under three names, and a plain
# marker variable that must reach the children (so a dump without it is no dump).
agentry_env=(env -i "HOME=$tmp/home" "PATH=$tool_path" LANG=C.UTF-8 TERM=xterm-256color
  "XDG_CONFIG_HOME=$inputs/config" "XDG_DATA_HOME=$tmp/data" "TMPDIR=$tmp/tmp"
  "RUSTUP_HOME=${RUSTUP_HOME:-$real_home/.rustup}" "CARGO_HOME=${CARGO_HOME:-$real_home/.cargo}"
  "OPENAI_API_KEY=$canary" "ANTHROPIC_API_KEY=$canary" "LLM_CANARY_CRED=$canary"
  CANARY_PLAIN_MARKER=visible-to-children NO_COLOR=1)

# A fresh copy of the crate, with a project config (no secret in it).
new_workspace() {
  local ws=$1
  mkdir -p "$(dirname "$ws")"
  cp -r "$fixture" "$ws"
  mkdir -p "$ws/.agentry"
  printf 'max_steps: 40\npermissions: {cargo_test: allow}\n' >"$ws/.agentry/config.yaml"
}

# The sandbox is covered too where bubblewrap can create its namespaces.
sandbox=()
if bwrap --die-with-parent --unshare-net --unshare-pid --ro-bind / / --dev /dev --proc /proc \
  -- true 2>/dev/null; then
  sandbox=(--sandbox)
fi

expect_done() {  # FILE WHAT
  grep -qF "Done: the canary tests pass." "$1" || fail "$2 did not finish its task: $(tail -c 2000 "$1")"
}

expect_dumps() {  # WORKSPACE WHAT
  [[ -s $1/env_dump_test.txt && -s $1/env_dump_build.txt ]] ||
    fail "$2: cargo_test did not run the crate's code (no environment dumps in $1)"
  grep -q '^CANARY_PLAIN_MARKER=visible-to-children$' "$1/env_dump_test.txt" ||
    fail "$2: the test's environment dump lacks the plain marker variable"
  [[ -f $1/NOTES.md ]] || fail "$2: write_file did not run"
}

# ---------------------------------------------------------------------------------------------
# run, three output formats (text logs to stderr; the others to log files).
new_workspace "$tmp/ws-run-text"
(cd "$tmp/ws-run-text" && "${agentry_env[@]}" "$AGENTRY_BIN" --log-level trace \
  run --agent rust-pro --permission-mode bypass --output-format text "check the crate") \
  >"$out/run-text.out" 2>"$out/run-text.err" || fail "run text exited $?: $(cat "$out/run-text.err")"
expect_done "$out/run-text.out" "run --output-format text"
expect_dumps "$tmp/ws-run-text" "run --output-format text"
grep -q "trace" "$out/run-text.err" || fail "run text wrote no trace log to stderr"

new_workspace "$tmp/ws-run-json"
(cd "$tmp/ws-run-json" && "${agentry_env[@]}" "$AGENTRY_BIN" --log-level trace \
  --log-file "$out/run-json.log" "${sandbox[@]}" \
  run --agent rust-pro --permission-mode bypass --output-format json "check the crate") \
  >"$out/run-json.out" 2>"$out/run-json.err" || fail "run json exited $?: $(cat "$out/run-json.err")"
expect_done "$out/run-json.out" "run --output-format json"
expect_dumps "$tmp/ws-run-json" "run --output-format json"

new_workspace "$tmp/ws-run-stream"
(cd "$tmp/ws-run-stream" && "${agentry_env[@]}" "$AGENTRY_BIN" --log-level trace \
  --log-file "$out/run-stream.log" run --model canary-anthropic/fake-model \
  --permission-mode bypass --output-format stream-json "delegate: check the crate") \
  >"$out/run-stream.out" 2>"$out/run-stream.err" ||
  fail "run stream-json exited $?: $(cat "$out/run-stream.err")"
expect_done "$out/run-stream.out" "run --output-format stream-json"
expect_dumps "$tmp/ws-run-stream" "run --output-format stream-json"
grep '"type":"tool.finished"' "$out/run-stream.out" | grep -c '"name":"cargo_test"' >/dev/null ||
  fail "run stream-json shows no cargo_test call"
grep -c '"type":"subagent.finished"' "$out/run-stream.out" >/dev/null ||
  fail "run stream-json: the orchestrator did not delegate to rust-pro"
grep -q "trace" "$out/run-json.log" || fail "the json run's log file holds no trace lines"

# ---------------------------------------------------------------------------------------------
# chat in a real terminal: tmux, with every byte the pane receives piped to a file.
new_workspace "$tmp/ws-chat"
chat_cmd=$(printf '%q ' "${agentry_env[@]}" "$AGENTRY_BIN" --log-level trace \
  --log-file "$out/chat.log" chat --agent rust-pro --permission-mode bypass)
tmux -u -L "$tmux_socket" new-session -d -x 120 -y 40 -c "$tmp/ws-chat" \
  "read -r _; $chat_cmd; echo \"[agentry exited \$?]\"; sleep 600"
tmux -L "$tmux_socket" pipe-pane -o "cat >>$(printf '%q' "$out/chat.terminal")"
tmux -L "$tmux_socket" send-keys Enter
screen() { tmux -u -L "$tmux_socket" capture-pane -p -J -S -2000; }
wait_for() {  # TEXT [COUNT]: until the screen shows TEXT (COUNT times)
  local deadline=$((SECONDS + 120))
  while ((SECONDS < deadline)); do
    (($(screen | grep -cF -- "$1") >= ${2:-1})) && return 0
    sleep 0.2
  done
  fail "the chat never showed: $1
$(screen)"
}
wait_for "rust-pro ❯"
tmux -u -L "$tmux_socket" send-keys "check the crate" Enter
wait_for "Done: the canary tests pass."
wait_for "rust-pro ❯" 2
# The session store as it is while agentry runs: with its write-ahead log and shared memory.
mkdir "$out/store-while-chatting"
cp "$tmp/data/agentry/"sessions.db* "$out/store-while-chatting/"
[[ -s $out/store-while-chatting/sessions.db-wal ]] || fail "no sessions.db-wal while the chat runs"
# The full output of the last tool call (the build script's dump read back) on the screen too.
tmux -u -L "$tmux_socket" send-keys "/last" Enter
wait_for "CANARY_PLAIN_MARKER=visible-to-children"
wait_for "rust-pro ❯" 3
tmux -u -L "$tmux_socket" send-keys "/exit" Enter
wait_for "[agentry exited 0]"
screen >"$out/chat.screen"
expect_dumps "$tmp/ws-chat" "chat"

# ---------------------------------------------------------------------------------------------
# batch: two tasks on isolated copies (kept, under TMPDIR), each with a check command that runs
# the crate's tests once more (a check's environment is dumped too).
new_workspace "$tmp/ws-batch/crates/one"
new_workspace "$tmp/ws-batch/crates/two"
cat >"$tmp/ws-batch/tasks.yaml" <<'YAML'
defaults:
  agent: rust-pro
  check: cargo test
tasks:
  - {id: one, prompt: "check the crate", cwd: crates/one}
  - {id: two, prompt: "check the crate", cwd: crates/two}
YAML
(cd "$tmp/ws-batch" && "${agentry_env[@]}" "$AGENTRY_BIN" --log-level trace \
  --log-file "$out/batch.log" batch tasks.yaml -j 2 --isolate --keep-workspaces \
  --permission-mode bypass --progress plain) >"$out/batch.out" 2>"$out/batch.err" ||
  fail "batch exited $?: $(cat "$out/batch.out" "$out/batch.err")"
results=$tmp/ws-batch/tasks.results.jsonl
[[ $(grep -c '"status":"ok"' "$results" || true) -eq 2 ]] ||
  fail "batch: expected two tasks with status ok: $(cat "$results")"
copies=$(grep -o '"workspace":"[^"]*"' "$results" | cut -d'"' -f4)
[[ $(wc -w <<<"$copies") -eq 2 ]] || fail "batch: the results name no kept workspaces"
for copy in $copies; do
  [[ $copy == "$tmp"/* ]] || fail "batch: the workspace copy $copy is outside the scanned folder"
  expect_dumps "$copy" "batch"
  [[ $(grep -c '^---- a test run$' "$copy/env_dump_test.txt") -ge 2 ]] ||
    fail "batch: the check command did not run the tests"
done

# ---------------------------------------------------------------------------------------------
# mcp over stdin/stdout: initialize, tools/list, tools/call rust-pro; stdin stays open until the
# call's answer is out (end of input cancels what runs).
new_workspace "$tmp/ws-mcp"
mkfifo "$tmp/mcp.in"
: >"$out/mcp.out"
(cd "$tmp/ws-mcp" && exec "${agentry_env[@]}" "$AGENTRY_BIN" --log-level trace \
  --log-file "$out/mcp.log" mcp --permission-mode bypass) \
  <"$tmp/mcp.in" >"$out/mcp.out" 2>"$out/mcp.err" &
mcp_pid=$!
exec 3>"$tmp/mcp.in"
cat >&3 <<JSON
{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"canary","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":2,"method":"tools/list"}
{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"rust-pro","arguments":{"task":"check the crate","cwd":"$tmp/ws-mcp"},"_meta":{"progressToken":"p1"}}}
JSON
deadline=$((SECONDS + 180))
until grep -q '"id":3' "$out/mcp.out"; do
  ((SECONDS < deadline)) || fail "mcp never answered the tools/call: $(cat "$out/mcp.out" "$out/mcp.err")"
  kill -0 "$mcp_pid" 2>/dev/null || fail "mcp exited early: $(cat "$out/mcp.err")"
  sleep 0.2
done
exec 3>&-
wait "$mcp_pid" || fail "mcp exited $?: $(cat "$out/mcp.err")"
mcp_pid=
grep -q '"id":2.*"rust-pro"' "$out/mcp.out" || fail "mcp tools/list does not offer rust-pro"
grep '"id":3' "$out/mcp.out" | grep -cF "Done: the canary tests pass." >/dev/null ||
  fail "mcp tools/call did not finish its task: $(grep '"id":3' "$out/mcp.out")"
expect_dumps "$tmp/ws-mcp" "mcp"

# ---------------------------------------------------------------------------------------------
# A provider that answers 401 and echoes the key: the error must say 401, never the key.
new_workspace "$tmp/ws-401"
for format in text json stream-json; do
  set +e
  (cd "$tmp/ws-401" && "${agentry_env[@]}" "$AGENTRY_BIN" --log-level trace \
    run --agent rust-pro --model denied/fake-model --output-format "$format" "check the crate") \
    >"$out/run401-$format.out" 2>"$out/run401-$format.err"
  code=$?
  set -e
  [[ $code -eq 1 ]] || fail "the 401 run ($format) exited $code, not 1"
  grep -q "401" "$out/run401-$format.out" "$out/run401-$format.err" ||
    fail "the 401 run ($format) does not report the 401"
done
grep -qF "$canary" "$server/requests401.log" || fail "the 401 server did not receive the key"

# ---------------------------------------------------------------------------------------------
# What agentry shows of what it stored, and of its configuration.
as_user() { (cd "$tmp/ws-run-text" && "${agentry_env[@]}" "$AGENTRY_BIN" --log-level trace "$@"); }
as_user sessions list --all --json >"$out/sessions.json" 2>"$out/sessions.err"
ids=$(grep -o '"id": *"[^"]*"' "$out/sessions.json" | sed 's/.*"\([^"]*\)"$/\1/')
# The subagent's own session is not a top-level one: its id comes from the stream.
ids+=" $(grep -o '"child_session_id":"[^"]*"' "$out/run-stream.out" | cut -d'"' -f4 | sort -u)"
# run ×3, chat, batch ×2, mcp, 401 ×3 (a run that fails at its first model call still has one).
[[ $(wc -w <<<"$ids") -ge 7 ]] || fail "expected the sessions of every front-end: $(cat "$out/sessions.json")"
for id in $ids; do
  as_user sessions export "$id" --format jsonl >"$out/export-$id.jsonl" 2>>"$out/sessions.err"
  as_user sessions export "$id" --format markdown >"$out/export-$id.md" 2>>"$out/sessions.err"
  as_user sessions show "$id" --json >"$out/show-$id.json" 2>>"$out/sessions.err"
done
as_user models >"$out/models.txt" 2>>"$out/sessions.err"
as_user models --json >"$out/models.json" 2>>"$out/sessions.err"
as_user ping >"$out/ping.txt" 2>>"$out/sessions.err" || fail "ping failed: $(cat "$out/ping.txt")"
if as_user ping denied >"$out/ping-denied.txt" 2>&1; then fail "ping of the 401 provider succeeded"; fi
grep -q "401" "$out/ping-denied.txt" || fail "ping does not report the 401: $(cat "$out/ping-denied.txt")"
grep -q "Done: the canary tests pass." "$out"/export-*.md || fail "the exports hold no transcript"
# Every front-end's cargo_test passed (the sandboxed one included): the crate's code ran whole.
[[ $(cat "$out"/export-*.md | grep -c '<summary>cargo_test · call_4</summary>') -eq 7 ]] ||
  fail "expected seven passing cargo_test calls: $(grep -h -A3 '<summary>cargo_test' "$out"/export-*.md)"
ls "$tmp/data/agentry/sessions.db" >/dev/null || fail "no session store in XDG_DATA_HOME"

# ---------------------------------------------------------------------------------------------
# The key was really used: every request to the working server carried it in its credential
# headers (Bearer for OpenAI, x-api-key for Anthropic and the config header).
requests=$(wc -l <"$server/requests.log")
with_key=$(grep -cF "$canary" "$server/requests.log" || true)
((requests >= 20)) || fail "expected the model requests of every front-end, got $requests"
[[ $with_key -eq $requests ]] || fail "only $with_key of $requests requests carried the key"
grep -qF "\"authorization\":\"Bearer $canary\"" "$server/requests.log" ||
  fail "no request carried the key as a Bearer token"
grep -qF "\"x-api-key\":\"$canary\"" "$server/requests.log" ||
  fail "no request carried the key as x-api-key"

# Nothing else the server received may hold it: the request bodies are what the model reads
# (tool results included, so the environment dumps read back travel here).
sed -E 's/"(authorization|x-api-key)":"[^"]*"/"\1":"(stripped)"/g' "$server/requests.log" \
  "$server/requests401.log" >"$server/requests.stripped"
grep -qF "CANARY_PLAIN_MARKER=visible-to-children" "$server/requests.stripped" ||
  fail "the environment dumps never reached the model (the scan of request bodies proves nothing)"

# ---------------------------------------------------------------------------------------------
# The scan: one pass of grep over every file under $tmp except the inputs and the server's own
# records, plus the stripped request bodies. First it must find planted leaks (the canary inside
# base64 at each alignment, url-safe base64, and its first 12 characters alone).
printf '%s\n' "${patterns[@]}" >"$server/patterns"
leaking_files() {  # FILE...: those holding any pattern
  printf '%s\0' "$@" | xargs -0 grep -laF -f "$server/patterns" -- || true
}
mkdir "$server/planted"
for prefix in "" "a" "ab"; do
  printf '%sAuthorization: Bearer %s\n' "$prefix" "$canary" | base64 -w0 >"$server/planted/b64-$prefix"
  printf '%sx-api-key: %s' "$prefix" "$canary" | base64 -w0 | tr '+/' '-_' >"$server/planted/url-$prefix"
done
printf 'key prefix %s… shown\n' "${canary:0:12}" >"$server/planted/prefix"
planted=("$server"/planted/*)
found=$(leaking_files "${planted[@]}" | wc -l)
[[ $found -eq ${#planted[@]} ]] || fail "the scan finds only $found of ${#planted[@]} planted leaks"

mapfile -d '' files < <(find "$tmp" \( -path "$inputs" -o -path "$server" \) -prune -o -type f -print0)
files+=("$server/requests.stripped")
((${#files[@]} >= 50)) || fail "only ${#files[@]} files to scan"
leaks=$(leaking_files "${files[@]}")
if [[ -n $leaks ]]; then
  while IFS= read -r file; do
    echo "LEAK in $file (byte offset:match):" >&2
    grep -aboF -f "$server/patterns" -- "$file" | head -3 >&2 || true
  done <<<"$leaks"
  fail "the canary leaked into $(wc -l <<<"$leaks") file(s) (see above)"
fi

echo "ok: the canary appears in no byte agentry wrote (${#files[@]} files scanned for ${#patterns[@]} patterns; ${#planted[@]} planted leaks found; $requests requests carried the key)"
