#!/usr/bin/env bash
# Issue 16, bug 6: in a clone without ../shared the corpus tests are skipped, not failed. Runs the
# agents test binary ($1) with AGENTRY_SHARED_DIR pointing at a folder that does not exist: every
# corpus test must pass and print the marker ctest reads as "skipped".
set -euo pipefail
binary=$1
export AGENTRY_SHARED_DIR=$(mktemp -u -d)/no-such-shared
out=$("$binary" -tc='*corpus*') || { printf '%s\n' "$out"; echo "corpus tests failed without ../shared" >&2; exit 1; }
printf '%s\n' "$out"
skipped=$(grep -c 'agentry-test-skipped: ' <<<"$out" || true)
if ((skipped < 8)); then
  echo "expected the 8 corpus tests to print the skip marker, $skipped did" >&2
  exit 1
fi
