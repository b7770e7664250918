#!/usr/bin/env bash
# Runs the chaos test (auth-tests ChaosTest) for longer than the suite does: three machines sharing one
# PostgreSQL, CLI loops over two accounts whose tokens live 3 s, SIGKILLs every 1.5 s sparing requests
# in flight, every database session cut every 10 s, and PostgreSQL restarted halfway.
#   scripts/chaos.sh [--minutes N] [--loops N]   (default 10 minutes, 2 loops per machine)
# Run it alone: the restart cuts every client of that PostgreSQL server.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=10
loops=2
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --loops) loops="$2"; shift 2 ;;
    *) echo "usage: scripts/chaos.sh [--minutes N] [--loops N]" >&2; exit 2 ;;
  esac
done
bash .ci/ensure-postgres.sh
export MAESTRO_AUTH_TEST_PG_URL="${MAESTRO_AUTH_TEST_PG_URL:-jdbc:postgresql://127.0.0.1:5432/test}"
export MAESTRO_AUTH_TEST_PG_USER="${MAESTRO_AUTH_TEST_PG_USER:-postgres}"
export MAESTRO_AUTH_CHAOS_SECONDS=$((minutes * 60))
export MAESTRO_AUTH_CHAOS_LOOPS="$loops"
export MAESTRO_AUTH_CHAOS_RESTART_PG=1
mvn -B -q -DskipTests install >/dev/null
mvn -B -pl auth-tests test -Dtest=ChaosTest -De2e.alone=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dsurefire.timeout=$((minutes * 60 + 600)) | grep -E '^chaos:|Tests run:|FAIL|expected' || true
