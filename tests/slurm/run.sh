#!/usr/bin/env bash
# The Slurm recipe (examples/slurm/) for real: installs Debian's slurm-wlm and munge when missing,
# starts a private one-node cluster on localhost (munged, slurmctld, slurmd; its own key, socket,
# ports and state under a temporary folder — nothing in /etc is touched), serves a scripted fake
# LLM on 127.0.0.1, submits a task file as a 3-task job array plus the merge job, waits, and
# checks that the merged results equal a local single-machine run of the same file.
#
#   tests/slurm/run.sh [BUILD_DIR]        (as root; ctest runs it as slurm/array)
#
# Exit 0 pass, 1 fail, 77 skipped (not root, or the packages cannot be installed).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-${AGENTRY_BUILD_DIR:-$repo/build}}
agentry=${AGENTRY_BIN:-$build/agentry}
fake_llm=${AGENTRY_FAKE_LLM:-$build/agentry-fake-llm}
shards=3
tasks=7

say() { echo "slurm test: $*" >&2; }
skip() {
  say "skipped: $*"
  exit 77
}

[[ $(id -u) -eq 0 ]] || skip "needs root (it starts slurmctld, slurmd and munged)"
[[ -x $agentry && -x $fake_llm ]] || { say "build agentry and agentry-fake-llm first ($build)"; exit 1; }
agentry=$(realpath "$agentry")
fake_llm=$(realpath "$fake_llm")

missing=()
for p in slurm-wlm munge jq; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  command -v apt-get >/dev/null || skip "no apt-get to install ${missing[*]}"
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >&2 ||
    skip "cannot install ${missing[*]}"
fi

work=$(mktemp -d /tmp/agentry-slurm-XXXXXX)
pids=()
cleanup() {
  local status=$?
  for f in "$work/run/slurmd.pid" "$work/run/slurmctld.pid" "$work/munge/munged.pid"; do
    [[ -s $f ]] && kill "$(cat "$f")" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if ((status != 0)); then
    for log in "$work"/log/*.log "$work"/job/*.out; do
      [[ -f $log ]] && { echo "---- $log" >&2; tail -n 30 "$log" >&2; }
    done
  fi
  sleep 0.5
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work"/{munge,state,spool,log,run,job,home}

# munge, private: its own key and socket.
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
munge_socket=$work/munge/munge.socket
munged --force --key-file="$work/munge/munge.key" --socket="$munge_socket" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/log/munged.log" \
  --seed-file="$work/munge/munged.seed" 2>/dev/null
munge -n -S "$munge_socket" | unmunge -S "$munge_socket" >/dev/null

# Slurm: one node, this host, ports away from a real cluster's.
host=$(hostname -s)
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}
export SLURM_CONF=$work/slurm.conf
cat >"$SLURM_CONF" <<CONF
ClusterName=agentrytest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$munge_socket
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
NodeName=$host CPUs=$(nproc) RealMemory=2000 State=UNKNOWN
PartitionName=agentry Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -i
slurmd
for _ in $(seq 60); do
  [[ $(sinfo -h -o %t 2>/dev/null) == idle ]] && break
  sleep 0.5
done
[[ $(sinfo -h -o %t) == idle ]] || { say "the node did not become idle: $(sinfo 2>&1)"; exit 1; }
say "cluster up on $host"

# The fake LLM: read the task's note, then answer.
cat >"$work/script.yaml" <<'SCRIPT'
turns:
  - when: {turn: 1}
    tool_calls:
      - {id: call_1, name: read_file, arguments: {path: note.txt}}
    usage: {input: 50, output: 5}
  - when: {turn: 2}
    text: "Read the note."
    usage: {input: 80, output: 6}
SCRIPT
"$fake_llm" --script "$work/script.yaml" --port 0 >"$work/fake.port" 2>"$work/log/fake.log" &
pids+=($!)
for _ in $(seq 50); do [[ -s $work/fake.port ]] && break; sleep 0.1; done
port=$(head -n 1 "$work/fake.port")
[[ $port =~ ^[0-9]+$ ]] || { say "the fake LLM server did not start"; exit 1; }

# A task file: each task in its own directory, with a check.
cd "$work/job"
: >tasks.jsonl
for i in $(seq 0 $((tasks - 1))); do
  mkdir -p "work/t$i"
  echo "note $i" >"work/t$i/note.txt"
  echo "{\"id\": \"t$i\", \"prompt\": \"Read note $i\", \"cwd\": \"work/t$i\", \"check\": \"test -s note.txt\"}" >>tasks.jsonl
done

export HOME=$work/home XDG_CONFIG_HOME=$work/home/config XDG_DATA_HOME=$work/home/data
export OPENAI_BASE_URL=http://127.0.0.1:$port/v1 OPENAI_API_KEY=sk-fake-slurm-test
export AGENTRY=$agentry AGENTRY_BATCH_ARGS="-j 2"

read -r array merge < <("$repo/examples/slurm/submit.sh" "$work/job/tasks.jsonl" \
  "$work/job/results" "$work/job/merged.jsonl" "$shards")
say "submitted array $array and merge $merge"
for _ in $(seq 240); do
  [[ -z $(squeue -h -j "$array,$merge" 2>/dev/null) ]] && break
  sleep 0.5
done
[[ -z $(squeue -h -j "$array,$merge" 2>/dev/null) ]] || { say "jobs still queued: $(squeue)"; exit 1; }

shopt -s nullglob
shard_files=("$work"/job/results/shard-*.results.jsonl)
((${#shard_files[@]} == shards)) || { say "expected $shards shard files, got ${#shard_files[@]}"; exit 1; }
[[ -s $work/job/merged.jsonl ]] || { say "no merged results"; exit 1; }

"$agentry" batch tasks.jsonl --results local.jsonl --progress plain >/dev/null 2>"$work/log/local.log"

normalise() {
  jq -S -c 'del(.finished_at, .duration_ms, .shard, .session_id)
            | if .check then .check.commands |= map(del(.duration_ms)) else . end' "$1" | sort
}
if ! diff <(normalise local.jsonl) <(normalise merged.jsonl) >&2; then
  say "FAIL: the merged shard results differ from the local run"
  exit 1
fi
lines=$(wc -l <merged.jsonl)
((lines == tasks)) || { say "FAIL: $lines merged lines for $tasks tasks"; exit 1; }
ok=$(jq -r 'select(.status == "ok") | .id' merged.jsonl | wc -l)
((ok == tasks)) || { say "FAIL: only $ok of $tasks tasks ok"; exit 1; }
say "PASS: $shards array tasks ($(for f in "${shard_files[@]}"; do wc -l <"$f"; done | paste -sd+) lines), merged = local run ($tasks tasks)"
