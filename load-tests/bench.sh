#!/usr/bin/env bash
# Throughput of a real server, over HTTP with the AWS SDK for Java (ThroughputBench):
# StartSyncExecution/s (Express) and Standard executions completed/s, N concurrent clients. Starts
# its own server on a scratch data directory and port, and stops it at the end.
#   load-tests/bench.sh [WORKLOAD.asl.json] [INPUT.json] [clients=32] [seconds=20]
# The AWS SDK client is the limit well below 10,000 requests/s; for more, use http-load.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
def="$(realpath "${1:-$root/load-tests/workloads/pass-choice-6.asl.json}")"
input="$(realpath "${2:-$root/load-tests/workloads/pass-choice-6.input.json}")"
clients="${3:-32}"
seconds="${4:-20}"
port="${BENCH_PORT:-18083}"
data="$(mktemp -d)"
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$data" "$data.log"' EXIT

# Reactor build, not install: nothing of this checkout goes into the shared ~/.m2.
(cd "$root" && mvn -B -q -ntp -DskipTests -pl load-tests -am package >/dev/null)
"$root/stepwise" serve --port "$port" --data-dir "$data" > "$data.log" 2>&1 &
server=$!
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  sleep 0.5
done
cd "$root"
mvn -B -q -ntp -pl load-tests exec:java -Dexec.mainClass=io.stepwise.loadtests.ThroughputBench \
  -Dexec.args="http://127.0.0.1:$port $def $input $clients $seconds"
