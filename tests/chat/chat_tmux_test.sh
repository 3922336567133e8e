#!/usr/bin/env bash
# `agentry chat` in a real terminal: tmux runs it in a 100x30 pane, keys go in with send-keys,
# the screen comes back with capture-pane. The model is agentry's fake LLM server on 127.0.0.1.
# Usage: chat_tmux_test.sh SCENARIO   (env: AGENTRY_BIN, AGENTRY_FAKE_LLM)
# Waits poll the screen for an expected text; they give up after a generous deadline (a failure,
# not a timing assertion), printing the screen.
set -euo pipefail

scenario=${1:?scenario}
: "${AGENTRY_BIN:?set AGENTRY_BIN to the agentry binary}"
: "${AGENTRY_FAKE_LLM:?set AGENTRY_FAKE_LLM to the agentry-fake-llm binary}"
command -v tmux >/dev/null || { echo "tmux is not installed"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/agentry-chat-test.XXXXXX")
socket=
sockets=()
fake_pid=
cleanup() {
  for s in "${sockets[@]}"; do tmux -L "$s" kill-server 2>/dev/null || true; done
  if [[ -n $fake_pid ]]; then kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/ws" "$tmp/home" "$tmp/config" "$tmp/data"

fail() {
  echo "FAIL ($scenario): $*" >&2
  echo "---- screen ----" >&2
  screen >&2 || true
  echo "---- requests ----" >&2
  tail -c 2000 "$tmp/requests.log" >&2 2>/dev/null || true
  exit 1
}

# Starts the fake server with the script on stdin; sets $port.
start_fake() {
  cat >"$tmp/script.yaml"
  "$AGENTRY_FAKE_LLM" --script "$tmp/script.yaml" --requests-log "$tmp/requests.log" \
    >"$tmp/port" 2>"$tmp/fake.err" &
  fake_pid=$!
  for _ in $(seq 1 200); do
    [[ -s $tmp/port ]] && break
    sleep 0.05
  done
  port=$(head -1 "$tmp/port")
  [[ -n $port ]] || fail "the fake LLM server did not start: $(cat "$tmp/fake.err")"
}

# Starts a chat in a fresh tmux session (the window stays after agentry exits, showing its code).
start_chat() {
  local cmd
  cmd=$(printf '%q ' env -i "HOME=$tmp/home" "PATH=$PATH" TERM=xterm-256color LANG=C.UTF-8 \
    "XDG_CONFIG_HOME=$tmp/config" "XDG_DATA_HOME=$tmp/data" \
    "OPENAI_BASE_URL=http://127.0.0.1:$port/v1" OPENAI_MODEL=fake-model "$AGENTRY_BIN" "$@")
  # A fresh tmux server each time: reusing a socket whose server is shutting down is racy.
  [[ -n $socket ]] && tmux -L "$socket" kill-server 2>/dev/null || true
  socket="agentry-chat-test-$$-${#sockets[@]}"
  sockets+=("$socket")
  tmux -u -L "$socket" new-session -d -x 100 -y 30 -c "$tmp/ws" \
    "$cmd; echo \"[agentry exited \$?]\"; sleep 600"
}

send() { tmux -u -L "$socket" send-keys "$@"; }
screen() { tmux -u -L "$socket" capture-pane -p -J -S -500; }

# wait_for TEXT [SECONDS]: until the screen shows TEXT.
wait_for() {
  local text=$1 deadline=$((SECONDS + ${2:-30}))
  while ((SECONDS < deadline)); do
    screen | grep -qF -- "$text" && return 0
    sleep 0.1
  done
  fail "the screen never showed: $text"
}

# wait_for_count TEXT N: until TEXT shows N times.
wait_for_count() {
  local text=$1 n=$2 deadline=$((SECONDS + 30))
  while ((SECONDS < deadline)); do
    (($(screen | grep -cF -- "$text") >= n)) && return 0
    sleep 0.1
  done
  fail "the screen never showed $n times: $text"
}

expect_screen() { screen | grep -qF -- "$1" || fail "the screen does not show: $1"; }
expect_no_screen() { ! screen | grep -qF -- "$1" || fail "the screen shows: $1"; }
# The model calls: an OpenAI-compatible chat first asks the server for its window (GETs).
requests() { grep -c '"method":"POST"' "$tmp/requests.log" || true; }

case $scenario in
streamed_answer)
  start_fake <<'YAML'
turns:
  - text: "# Plan\n\nUse **iterators** here.\n\n- first step\n- second step\n\n```rust\nfn main() {}\n```\nThat is all."
    drip_tokens_per_second: 60
    usage: {input: 120, output: 30}
YAML
  start_chat chat
  wait_for "orchestrator ❯"
  send "how should I loop?" Enter
  wait_for "That is all."
  expect_screen "● orchestrator"
  expect_screen "Use iterators here."   # bold rendered, the stars gone
  expect_no_screen "**iterators**"
  expect_screen "• first step"
  expect_screen "╭─ rust ─"
  expect_screen "│ fn main() {}"
  expect_screen "╰──"
  wait_for_count "orchestrator ❯" 2
  [[ $(requests) -eq 1 ]] || fail "expected one model request, got $(requests)"
  grep -q '"stream": *true' "$tmp/requests.log" || fail "the request did not ask for a stream"
  send "/cost" Enter
  wait_for "this chat: 120 input tokens, 30 output"
  ;;

tool_approval)
  start_fake <<'YAML'
turns:
  - text: "Writing the notes."
    tool_calls:
      - {id: call_1, name: write_file, arguments: {path: notes.txt, content: "hello\n"}}
  - text: "Now the second file."
    tool_calls:
      - {id: call_2, name: write_file, arguments: {path: other.txt, content: "no\n"}}
  - text: "Understood, I left other.txt alone."
YAML
  start_chat chat --agent rust-pro
  wait_for "rust-pro ❯"
  send "write the notes" Enter
  wait_for "▸ write_file path=notes.txt"
  wait_for "Allow? [y]es"
  expect_screen "asked by rust-pro"
  expect_screen "+hello"
  send "y" Enter
  wait_for "✓ write_file"
  [[ $(cat "$tmp/ws/notes.txt") == hello ]] || fail "notes.txt was not written"
  wait_for "▸ write_file path=other.txt"
  wait_for_count "Allow? [y]es" 2
  send "n: keep it in notes.txt" Enter
  wait_for "Understood, I left other.txt alone."
  [[ ! -e $tmp/ws/other.txt ]] || fail "other.txt was written although declined"
  tail -1 "$tmp/requests.log" | grep -qF "the user declined this \`write_file\` call: keep it in notes.txt" ||
    fail "the reason did not reach the model"
  wait_for "rust-pro ❯"
  send "/diff" Enter
  wait_for "+++ notes.txt"
  ;;

ctrl_c)
  start_fake <<'YAML'
turns:
  - when: {contains: "slow please"}
    text: "This answer drips out slowly, one word at a time, so that there is plenty of time to interrupt it before it ends, which it should never do in this test."
    drip_tokens_per_second: 4
  - when: {contains: "go on"}
    text: "Back after the interruption."
YAML
  start_chat chat
  wait_for "orchestrator ❯"
  send "slow please" Enter
  wait_for "This answer drips"
  wait_for "(Ctrl-C to stop)"
  send C-c
  wait_for "cancelled — the conversation goes on"
  wait_for_count "orchestrator ❯" 2
  expect_no_screen "which it should never do"
  send "go on" Enter
  wait_for "Back after the interruption."
  # The same session continued: the second request carries the first message.
  tail -1 "$tmp/requests.log" | grep -qF "slow please" || fail "the history was lost after Ctrl-C"
  send "/sessions" Enter
  wait_for "/resume ID continues one"
  [[ $(screen | grep -c "ago  orchestrator") -eq 1 ]] || fail "expected one session"
  ;;

agent_switch)
  start_fake <<'YAML'
turns:
  - text: "Hello from whoever I am."
YAML
  start_chat chat
  wait_for "orchestrator ❯"
  send "/agent ru" Tab
  wait_for "/agent rust-pro"
  send Enter
  wait_for "now talking to rust-pro"
  wait_for "rust-pro ❯"
  send "who are you?" Enter
  wait_for "● rust-pro"
  wait_for "Hello from whoever I am."
  grep -qF "You are a Rust expert" "$tmp/requests.log" ||
    fail "the request did not use rust-pro's system prompt"
  ;;

history_restart)
  start_fake <<'YAML'
turns:
  - text: "Noted."
YAML
  start_chat chat
  wait_for "orchestrator ❯"
  send "remember this line" Enter
  wait_for "Noted."
  wait_for_count "orchestrator ❯" 2
  send C-d
  wait_for "[agentry exited 0]"
  grep -qx "remember this line" "$tmp/data/agentry/history" || fail "the history file lacks the line"
  start_chat chat
  wait_for "orchestrator ❯"
  send Up
  wait_for "orchestrator ❯ remember this line"
  send C-c C-c C-c
  wait_for "[agentry exited 0]"
  ;;

default_entry)
  start_fake <<'YAML'
turns:
  - text: "Hi."
YAML
  start_chat
  wait_for "orchestrator ❯"
  send "/exit" Enter
  wait_for "[agentry exited 0]"
  # Without a terminal, `agentry` alone still prints its help (scripts rely on it).
  env -i "HOME=$tmp/home" "PATH=$PATH" "XDG_CONFIG_HOME=$tmp/config" "XDG_DATA_HOME=$tmp/data" \
    "$AGENTRY_BIN" </dev/null >"$tmp/help.txt" 2>&1 || fail "agentry without a terminal failed"
  grep -q "Subcommands:" "$tmp/help.txt" || fail "no help without a terminal: $(cat "$tmp/help.txt")"
  grep -q "chat" "$tmp/help.txt" || fail "the help does not list chat"
  ;;

*)
  echo "unknown scenario: $scenario" >&2
  exit 2
  ;;
esac
echo "ok ($scenario)"
