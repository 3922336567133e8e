#!/usr/bin/env bash
# The time check_after_edit adds per edit on a warm crate: what the check runs
# (`cargo check --message-format=json` in the package, the shared target dir) after an edit of
# one .rs file, N times. Usage: tests/bench/check_after_edit.sh [CRATE_DIR] [N]
# (default examples/tempconv, 10). Prints each run's milliseconds and the median.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
crate=${1:-$root/examples/tempconv}
n=${2:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$crate" "$work/crate"
rm -rf "$work/crate/target"
export CARGO_TARGET_DIR=$work/target CARGO_TERM_COLOR=never
cd "$work/crate"
file=$(find src -name '*.rs' | sort | head -1)
cargo check --message-format=json --color never >/dev/null 2>&1 || true  # warm
times=()
for i in $(seq "$n"); do
  printf '\n// edit %s\n' "$i" >>"$file"
  start=$(date +%s%N)
  cargo check --message-format=json --color never >/dev/null 2>&1 || true
  end=$(date +%s%N)
  ms=$(((end - start) / 1000000))
  times+=("$ms")
  echo "edit $i: ${ms} ms"
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print "median: " a[int((NR+1)/2)] " ms over " NR " edits"}'
