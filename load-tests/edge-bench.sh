#!/usr/bin/env bash
# EdgeBench: the HTTP edge alone (SigV4 + routing + JSON, a trivial operation, no engine), in process
# on one thread and over loopback keep-alive connections; prints rates, latency and CPU per request.
#   load-tests/edge-bench.sh [seconds=10] [connections=16]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -ntp -DskipTests -pl load-tests -am package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt >&2
exec java -cp "load-tests/target/classes:$(cat load-tests/target/classpath.txt)" io.stepwise.loadtests.EdgeBench "$@"
