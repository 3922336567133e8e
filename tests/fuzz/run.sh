#!/usr/bin/env bash
# Builds the libFuzzer targets (build-fuzz/, clang 14, ASan + UBSan) when needed and runs each for
# SECONDS (default 60), then prints per target: executions, execs/s, coverage (cov), features
# (ft), corpus size and the result. New corpus entries go to a scratch folder, never into the
# committed seeds; crash/leak/timeout inputs are written next to them (artifact_prefix).
#
# Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]        (default: every target)
# Env:   AGENTRY_FUZZ_PARALLEL  targets run at once (default 1)
#        AGENTRY_FUZZ_WORK      scratch folder (default build-fuzz/fuzz-work)
#        AGENTRY_FUZZ_TIMEOUT   seconds one input may take before it counts as a hang (default 5)
#        AGENTRY_FUZZ_NO_BUILD  1: use the binaries already in build-fuzz/ as they are
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here=$root/tests/fuzz
build=$root/build-fuzz
seconds=${1:-60}
shift || true
all=(front_matter agent_parser sse_parser openai_stream anthropic_stream tool_arguments
  cargo_diagnostics rustfmt_report mcp_server task_file)
targets=("$@")
((${#targets[@]})) || targets=("${all[@]}")
work=${AGENTRY_FUZZ_WORK:-$build/fuzz-work}
parallel=${AGENTRY_FUZZ_PARALLEL:-1}
timeout=${AGENTRY_FUZZ_TIMEOUT:-5}

dict_for() {
  case $1 in
    front_matter | agent_parser) echo "$here/dict/yaml.dict" ;;
    task_file) cat "$here/dict/yaml.dict" "$here/dict/json.dict" >"$work/task_file.dict" &&
      echo "$work/task_file.dict" ;;
    sse_parser | openai_stream | anthropic_stream) echo "$here/dict/sse.dict" ;;
    tool_arguments | mcp_server | cargo_diagnostics) echo "$here/dict/json.dict" ;;
    *) echo "" ;;
  esac
}

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/agentry-ccache} CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=1
if [[ ${AGENTRY_FUZZ_NO_BUILD:-0} == 1 ]]; then
  :
elif [[ ! -f $build/build.ninja ]]; then
  # clang 14 and its libFuzzer/sanitizer runtimes, only for this script (the test suite
  # replays the corpora with the project's g++ build).
  bash "$root/.ci/install-deps"
  missing=()
  for p in clang-14 libclang-rt-14-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "run.sh: installing ${missing[*]}" >&2
    sudo_cmd=()
    [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >&2
  fi
  CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAGENTRY_FUZZ=ON -DAGENTRY_BUILD_TESTS=OFF \
    -DAGENTRY_BUILD_BENCH=OFF >&2
fi
[[ ${AGENTRY_FUZZ_NO_BUILD:-0} == 1 ]] || cmake --build "$build" --target "${targets[@]/%/_fuzz}" >&2

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_one() {
  local name=$1 dir=$work/$1
  mkdir -p "$dir/corpus"
  local dict args=()
  dict=$(dict_for "$name")
  [[ -n $dict ]] && args+=(-dict="$dict")
  local timer=()
  [[ -x /usr/bin/time ]] && timer=(/usr/bin/time -o "$dir/cpu" -f "%U %S")
  rm -f "$dir/cpu"
  # Inputs that failed an earlier run are kept aside, so the result lists only this run's.
  local old
  for old in "$dir"/{crash,leak,timeout,oom,slow-unit}-*; do
    [[ -e $old ]] && mkdir -p "$dir/earlier" && mv "$old" "$dir/earlier/"
  done
  set +e
  (cd "$dir" && "${timer[@]}" nice -n 19 "$build/tests/fuzz/${name}_fuzz" -max_total_time="$seconds" \
    -timeout="$timeout" -print_final_stats=1 -artifact_prefix="$dir/" "${args[@]}" \
    "$dir/corpus" "$here/corpus/$name" >"$dir/log" 2>&1)
  echo $? >"$dir/rc"
  set -e
}

mkdir -p "$work"
running=0
for name in "${targets[@]}"; do
  echo "run.sh: fuzzing $name for ${seconds}s (log: $work/$name/log)" >&2
  run_one "$name" &
  running=$((running + 1))
  if ((running >= parallel)); then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

status=0
# cpu-s: the CPU time the target got; on a busy machine far less than its wall-clock seconds.
printf '%-18s %8s %7s %10s %8s %7s %7s %6s  %s\n' target seconds cpu-s execs exec/s cov ft corpus \
  result
for name in "${targets[@]}"; do
  dir=$work/$name
  log=$dir/log
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  corp=$(sed -nE 's/.* corp: ([0-9]+).*/\1/p' <<<"$last")
  execs=$(sed -nE 's/^stat::number_of_executed_units:[[:space:]]+([0-9]+)/\1/p' "$log")
  rate=$(sed -nE 's/^stat::average_exec_per_sec:[[:space:]]+([0-9]+)/\1/p' "$log")
  took=$(sed -nE 's/^Done [0-9]+ runs in ([0-9]+) second.*/\1/p' "$log")
  cpu=$(awk 'NF == 2 && $1 ~ /^[0-9.]+$/ { printf "%.0f", $1 + $2 }' "$dir/cpu" 2>/dev/null || true)
  result=ok
  if [[ $(cat "$dir/rc") != 0 ]]; then
    result="FAILED: $(ls "$dir" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | tr '\n' ' ')"
    status=1
  fi
  printf '%-18s %8s %7s %10s %8s %7s %7s %6s  %s\n' "$name" "${took:--}" "${cpu:--}" "${execs:--}" "${rate:--}" \
    "${cov:--}" "${ft:--}" "${corp:--}" "$result"
done
exit $status
