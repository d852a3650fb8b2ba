#!/usr/bin/env bash
# DistributedMapBench: a Distributed Map over N items of a JSONL object (Express children by
# default, ResultWriter to the same bucket directory) on a server this script starts with the
# bucket mapped: items/s from StartExecution to the end, and the Map Run's counts.
#   load-tests/distributed-map-bench.sh [items=100000] [EXPRESS|STANDARD] [maxConcurrency=0] [batch=0]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -ntp -DskipTests package dependency:build-classpath -pl load-tests -am \
  -Dmdep.outputFile=target/classpath.txt >&2
mvn -B -q -ntp -DskipTests package -pl server -am >&2
work="$(mktemp -d)"
mkdir -p "$work/bucket"
port=18097
java ${SERVER_JAVA_OPTS:-} -Dstepwise.engine.bucket-directories.bench="$work/bucket" -jar server/target/stepwise-all.jar \
  serve --port "$port" --data-dir "$work/data" > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/health" > /dev/null && break
  sleep 0.5
done
java -cp "load-tests/target/classes:$(cat load-tests/target/classpath.txt)" io.stepwise.loadtests.DistributedMapBench \
  "http://127.0.0.1:$port" "$work/bucket" "${1:-100000}" "${2:-EXPRESS}" "${3:-0}" "${4:-0}"
