#!/usr/bin/env bash
# ActivityBench: the activity round trip (schedule -> GetActivityTask -> SendTaskSuccess -> next
# state) with real AWS SDK workers against a running server: tasks/s and round-trip latency.
#   load-tests/activity-bench.sh [endpoint=http://localhost:8083] [workers=16] [seconds=20] [warm-up seconds=5]
# A server fresh from its start compiles (JIT) for about a minute under this load: for its steady
# rate, warm it first (a longer warm-up, or a run before the measured one).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -ntp -DskipTests -pl load-tests -am package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt >&2
exec java -cp "load-tests/target/classes:$(cat load-tests/target/classpath.txt)" io.stepwise.loadtests.ActivityBench \
  "${1:-http://localhost:8083}" "${2:-16}" "${3:-20}" "${4:-5}"
