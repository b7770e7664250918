#!/usr/bin/env bash
# Prints the slowest test classes of the last run from surefire's XML reports, so a slow newcomer
# is seen the day it lands. Usage: scripts/slowest-tests.sh [COUNT]
cd "$(dirname "$0")/.."
count="${1:-12}"
echo "slowest test classes (seconds, from */target/surefire-reports):"
for report in */target/surefire-reports/TEST-*.xml; do
  [ -f "$report" ] || continue
  # The first <testsuite ...> element carries the class name and its total time.
  sed -n 's/.*<testsuite [^>]*name="\([^"]*\)"[^>]*time="\([0-9.,]*\)".*/\2 \1/p' "$report" | head -1 | tr -d ','
done | sort -rn | head -n "$count" | awk '{ printf "  %8.1f  %s\n", $1, $2 }'
