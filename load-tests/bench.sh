#!/usr/bin/env bash
# Throughput of a real server, over HTTP with the AWS SDK: StartSyncExecution/s (Express) and
# Standard executions completed/s, N concurrent clients. Starts its own server on a scratch data
# directory and port, and stops it at the end.
#   load-tests/bench.sh [WORKLOAD.asl.json] [INPUT.json] [clients=32] [seconds=20]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
def="${1:-$root/../shared/workloads/pass-choice-6.asl.json}"
input="${2:-$root/../shared/workloads/pass-choice-6.input.json}"
clients="${3:-32}"
seconds="${4:-20}"
port="${BENCH_PORT:-18083}"
data="$(mktemp -d)"
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT

(cd "$root" && mvn -B -q -DskipTests install -pl load-tests -am >/dev/null)
"$root/stepwise" serve --port "$port" --data-dir "$data" > "$data.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  sleep 0.5
done
cd "$root/load-tests"
mvn -B -q exec:java -Dexec.mainClass=io.stepwise.loadtests.ThroughputBench \
  -Dexec.args="http://127.0.0.1:$port $def $input $clients $seconds"
