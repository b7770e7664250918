#!/usr/bin/env bash
# Runs test classes N times each and prints a table of passes and failures, to find tests that fail
# by chance. Usage: scripts/flake-hunt.sh [-n N] MODULE:CLASS...   (e.g. auth-tests:SecrecyTest)
# The modules are built once first; each run is a fresh surefire JVM (and fresh child processes).
set -euo pipefail
cd "$(dirname "$0")/.."
n=5
if [ "${1:-}" = "-n" ]; then n="$2"; shift 2; fi
[ $# -gt 0 ] || { echo "usage: $0 [-n N] MODULE:CLASS..." >&2; exit 2; }
mvn -B -q -DskipTests install >/dev/null
log_dir="target/flake-hunt"; mkdir -p "$log_dir"
printf '%-48s %6s %6s %9s\n' CLASS PASSED FAILED "MEAN S"
total_failed=0
for target in "$@"; do
  module="${target%%:*}"; class="${target#*:}"
  passed=0; failed=0; seconds=0
  for i in $(seq 1 "$n"); do
    start=$(date +%s)
    if mvn -B -q -o -pl "$module" surefire:test -Dtest="$class" -Dsurefire.failIfNoSpecifiedTests=false \
        >"$log_dir/$class.$i.log" 2>&1; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1))
    fi
    seconds=$((seconds + $(date +%s) - start))
  done
  total_failed=$((total_failed + failed))
  printf '%-48s %6d %6d %9d\n' "$class" "$passed" "$failed" $((seconds / n))
done
echo "logs: $log_dir"
[ "$total_failed" -eq 0 ]
