#!/usr/bin/env bash
# Runs test classes N times and prints a table of passes and failures per class, to find tests that
# fail by chance. Each round is one surefire run of the given classes (fresh JVMs, fresh child
# processes, the module's fork settings), so a round costs what CI pays for those classes.
#   scripts/flake-hunt.sh [-n N] MODULE CLASS[,CLASS...]       e.g. -n 5 auth-tests 'AccountsTest,CliStormTest'
#   scripts/flake-hunt.sh [-n N] MODULE all                    every test class of the module
set -euo pipefail
cd "$(dirname "$0")/.."
n=5
if [ "${1:-}" = "-n" ]; then n="$2"; shift 2; fi
[ $# -eq 2 ] || { echo "usage: $0 [-n N] MODULE CLASS[,CLASS...]|all" >&2; exit 2; }
module="$1"; classes="$2"
[ "$classes" = "all" ] && classes='*Test'
mvn -B -q -DskipTests install >/dev/null
log_dir="target/flake-hunt"; mkdir -p "$log_dir"
results="$log_dir/results.txt"; : > "$results"
# Reports of an earlier run are not this hunt's.
rm -f "$module"/target/surefire-reports/TEST-*.xml
for round in $(seq 1 "$n"); do
  start=$(date +%s)
  mvn -B -q -o -pl "$module" surefire:test -Dtest="$classes" -Dsurefire.failIfNoSpecifiedTests=false \
      >"$log_dir/round-$round.log" 2>&1 || true
  echo "round $round: $(( $(date +%s) - start )) s" >&2
  for report in "$module"/target/surefire-reports/TEST-*.xml; do
    # One line per class and round: name, tests, failures + errors, seconds.
    sed -n 's/.*<testsuite [^>]*name="\([^"]*\)"[^>]*time="\([0-9.,]*\)"[^>]*tests="\([0-9]*\)"[^>]*errors="\([0-9]*\)"[^>]*skipped="\([0-9]*\)"[^>]*failures="\([0-9]*\)".*/\1 \3 \4 \6 \5 \2/p' \
        "$report" | head -1 >> "$results"
  done
  rm -f "$module"/target/surefire-reports/TEST-*.xml
done
printf '%-58s %6s %6s %7s %9s\n' CLASS PASSED FAILED SKIPPED "MEAN S"
awk '{ name=$1; sub(/.*\./, "", name); runs[name]++; bad=$3+$4; if (bad > 0) failed[name]++; else passed[name]++;
       if ($5 == $2) skipped[name]++; secs[name]+=$6 }
     END { for (c in runs) printf "%-58s %6d %6d %7d %9.1f\n", c, passed[c], failed[c], skipped[c], secs[c]/runs[c] }' \
  "$results" | sort
total_failed=$(awk '$3+$4 > 0' "$results" | wc -l)
echo "rounds: $n; class runs that failed: $total_failed; logs: $log_dir"
[ "$total_failed" -eq 0 ]
