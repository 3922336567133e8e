#!/usr/bin/env bash
# Issue 17's comparison, run by hand (CI does not: it downloads Claude Code from npm): the same
# scripted 30-turn task — read 30 source files of ~4 KB one turn at a time, then answer — done by
# agentry and by Claude Code (`claude -p`, @anthropic-ai/claude-code installed into a temporary
# npm prefix) against the fake LLM server's Anthropic route, which accounts prompt caching as
# Anthropic does. Both runs see the same crate and the same turns (matched by turn number, each
# naming the client's own file-reading tool); a request that offers no tools (Claude Code's side
# calls, a compaction's summary) gets a short text. Prints, per client, the server's totals and
# billable input = input + 1.25 x cache writes + 0.1 x cache reads.
#
# Usage: tests/bench/claude_code_compare.sh [BUILD_DIR]   (default: build/)
# Env: AGENTRY_BIN, AGENTRY_FAKE_LLM (default: BUILD_DIR/agentry, BUILD_DIR/agentry-fake-llm),
#      CLAUDE_CODE_VERSION (default: latest), TURNS (default: 30), FILES (default: 12: the reads
#      cycle over 12 files, so 18 of 30 are re-reads of unchanged files; FILES=30: no re-read),
#      KEEP=1 keeps the work folder.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build}
agentry=${AGENTRY_BIN:-$build/agentry}
fake=${AGENTRY_FAKE_LLM:-$build/agentry-fake-llm}
turns=${TURNS:-30}
for tool in "$agentry" "$fake"; do
  [[ -x $tool ]] || { echo "claude_code_compare: $tool is missing; build it first" >&2; exit 2; }
done
command -v npm >/dev/null || { echo "claude_code_compare: npm is needed" >&2; exit 2; }
command -v python3 >/dev/null || { echo "claude_code_compare: python3 is needed" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/agentry-cc-compare.XXXXXX")
fake_pid=
cleanup() {
  [[ -z $fake_pid ]] || { kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true; }
  [[ ${KEEP:-0} == 1 ]] && echo "work folder kept: $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

echo "installing @anthropic-ai/claude-code@${CLAUDE_CODE_VERSION:-latest} into $work/npm" >&2
npm install --prefix "$work/npm" --no-audit --no-fund --loglevel=error \
  "@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION:-latest}" >&2
claude=$work/npm/node_modules/.bin/claude
echo "claude $("$claude" --version 2>/dev/null || echo '(version unknown)')" >&2

# The crate (no dependencies) and one script per client: turn N reads src/part_(N-1 mod FILES).rs.
python3 - "$work" "$turns" "${FILES:-12}" <<'PY'
import json, os, sys
work, turns, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ws = os.path.join(work, "ws")
os.makedirs(os.path.join(ws, "src"), exist_ok=True)
with open(os.path.join(ws, "Cargo.toml"), "w") as f:
    f.write('[package]\nname = "longread"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n')
with open(os.path.join(ws, "src", "lib.rs"), "w") as lib:
    for p in range(files):
        lib.write(f"pub mod part_{p};\n")
        text, n = f"//! Part {p} of the generated arithmetic.\n\n", 0
        while len(text) < 4000:
            text += (f"/// Returns the checksum contribution of record {n} in part {p}: the value multiplied by\n"
                     f"/// its weight, rotated so that neighbouring records never collide in the accumulator.\n"
                     f"pub fn contribution_{p}_{n}(value: u64, weight: u64) -> u64 {{\n"
                     f"    value.wrapping_mul(weight + {n}).rotate_left({(n + p) % 63 + 1})\n"
                     "}\n\n")
            n += 1
        with open(os.path.join(ws, "src", f"part_{p}.rs"), "w") as f:
            f.write(text)
def script(tool, arg):
    t = [{"when": {"tools": False}, "text": "OK."}]
    for i in range(turns):
        path = f"src/part_{i % files}.rs"
        t.append({"when": {"tools": True, "turn": i + 1}, "text": f"Reading part {i % files}.",
                  "tool_calls": [{"id": f"toolu_{i + 1:04d}", "name": tool, "arguments": {arg: arg_value(arg, path)}}]})
    t.append({"when": {"tools": True, "turn": turns + 1}, "text": "FINAL: all parts reviewed."})
    return {"turns": t}
def arg_value(arg, path):
    return os.path.join(ws, path) if arg == "file_path" else path
json.dump(script("read_file", "path"), open(os.path.join(work, "agentry.json"), "w"))
json.dump(script("Read", "file_path"), open(os.path.join(work, "claude.json"), "w"))
PY

task="Review every part of the crate (src/part_*.rs), reading them one by one, then answer."

# Starts the fake on $1 with its requests log $2; sets $port and $fake_pid.
start_fake() {
  : >"$2"
  "$fake" --script "$1" --requests-log "$2" >"$work/fake.port" 2>"$work/fake.err" &
  fake_pid=$!
  for _ in $(seq 100); do [[ -s $work/fake.port ]] && break; sleep 0.1; done
  port=$(head -1 "$work/fake.port")
  [[ -n $port ]] || { echo "claude_code_compare: the fake server did not start" >&2; exit 1; }
}
stop_fake() { kill "$fake_pid"; wait "$fake_pid" 2>/dev/null || true; fake_pid=; }

# Sums a requests log: requests, refused, input, cache reads and writes, output, billable input.
summarise() {
  python3 - "$1" "$2" <<'PY'
import json, sys
name, log = sys.argv[1], sys.argv[2]
t = dict(requests=0, refused=0, input=0, cache_read=0, cache_write=0, output=0, tools=0)
for line in open(log):
    r = json.loads(line)
    if r["path"] not in ("/v1/messages", "/messages"):
        continue
    if r.get("refused"):
        t["refused"] += 1
        continue
    t["requests"] += 1
    t["tools"] += 1 if r["body"].get("tools") else 0
    for k in ("input", "cache_read", "cache_write", "output"):
        t[k] += r["tokens"][k]
billable = t["input"] + 1.25 * t["cache_write"] + 0.1 * t["cache_read"]
print(f"{name:12s} requests {t['requests']:4d} (with tools {t['tools']:3d}, refused {t['refused']})  "
      f"input {t['input']:8d}  cache_read {t['cache_read']:9d}  cache_write {t['cache_write']:8d}  "
      f"output {t['output']:6d}  billable_input {billable:11.1f}")
print(billable, file=open(log + ".billable", "w"))
PY
}

# agentry: rust-pro on the Anthropic route, caching on (the default).
home=$work/agentry-home
mkdir -p "$home/config/agentry" "$home/data"
start_fake "$work/agentry.json" "$work/agentry.log"
cat >"$home/config/agentry/config.yaml" <<YAML
max_steps: $((turns + 10))
default_provider: fake
providers:
  fake: {kind: anthropic, base_url: "http://127.0.0.1:$port", model: fake-model}
YAML
env -i HOME="$home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" PATH="$PATH" \
  NO_COLOR=1 "$agentry" --cwd "$work/ws" run --agent rust-pro --output-format json "$task" \
  >"$work/agentry.out" 2>"$work/agentry.err" || echo "agentry exited $? (see $work/agentry.err)" >&2
stop_fake

# Claude Code: its own tools and system prompt, the fake as its Anthropic endpoint.
chome=$work/claude-home
mkdir -p "$chome"
start_fake "$work/claude.json" "$work/claude.log"
(cd "$work/ws" && env -i HOME="$chome" PATH="$PATH" ANTHROPIC_BASE_URL="http://127.0.0.1:$port" \
  ANTHROPIC_API_KEY=sk-ant-dummy-key-for-the-fake DISABLE_AUTOUPDATER=1 DISABLE_TELEMETRY=1 \
  DISABLE_ERROR_REPORTING=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 \
  "$claude" -p "$task" --model fake-model --max-turns $((turns + 10)) --allowedTools Read \
  --output-format json >"$work/claude.out" 2>"$work/claude.err") ||
  echo "claude exited $? (see $work/claude.err)" >&2
stop_fake

summarise agentry "$work/agentry.log"
summarise claude-code "$work/claude.log"
a=$(cat "$work/agentry.log.billable") c=$(cat "$work/claude.log.billable")
python3 -c "import sys; a, c = float(sys.argv[1]), float(sys.argv[2]); print(f'agentry / claude-code billable input: {a / c:.2f}' if c else 'claude-code made no request')" "$a" "$c"
echo "agentry answer: $(head -c 300 "$work/agentry.out")"
echo "claude answer:  $(head -c 300 "$work/claude.out")"
