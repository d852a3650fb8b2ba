#!/usr/bin/env bash
# TaskTokenBench: .waitForTaskToken round trips (lambda:invoke.waitForTaskToken forwarded to a
# Lambda-compatible endpoint the bench serves, completed by SendTaskSuccess from N clients) on a
# server this script starts: round trips/s and latency.
#   load-tests/task-token-bench.sh [clients=16] [seconds=20]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -ntp -DskipTests package dependency:build-classpath -pl load-tests -am \
  -Dmdep.outputFile=target/classpath.txt >&2
mvn -B -q -ntp -DskipTests package -pl server -am >&2
work="$(mktemp -d)"
port=18096
lambda=18095
java ${SERVER_JAVA_OPTS:-} -Dstepwise.engine.endpoints.lambda="http://127.0.0.1:$lambda" -jar server/target/stepwise-all.jar \
  serve --port "$port" --data-dir "$work/data" > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/health" > /dev/null && break
  sleep 0.5
done
java ${BENCH_JAVA_OPTS:-} -cp "load-tests/target/classes:$(cat load-tests/target/classpath.txt)" io.stepwise.loadtests.TaskTokenBench \
  "http://127.0.0.1:$port" "$lambda" "${1:-16}" "${2:-20}"
