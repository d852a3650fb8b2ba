#!/usr/bin/env bash
# The offline tools on a journal of about 10 events per execution: `journal verify` (and --deep),
# `history export --all` and `replay --all` against a changed definition, each timed on the same
# data directory. A server on --clock virtual (in a scratch directory) runs N executions of
# load-tests/workloads/wait-8.asl.json to their end first, then stops.
#   load-tests/offline-tools-bench.sh [executions=100000] [data-dir=a new temporary directory]
# 100,000 executions make 1,000,001 journal events; building them takes two to three minutes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
n="${1:-100000}"
data="${2:-$(mktemp -d)}"
port=18187
if [ ! -f server/target/stepwise-all.jar ] || [ ! -f load-tests/target/classes/io/stepwise/loadtests/HttpLoad.class ]; then
  echo "offline-tools-bench: building (mvn package, tests skipped)..." >&2
  mvn -B -q -ntp -DskipTests -pl server,load-tests -am package >&2
fi
./stepwise serve --port "$port" --data-dir "$data" --clock virtual > "$data.server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$port/health" > /dev/null && break; sleep 1; done
out="$(load-tests/http-load.sh --endpoint "http://127.0.0.1:$port" --phase standard -n "$n" \
  --workload load-tests/workloads/wait-8.asl.json --timeout 1200)"
echo "$out"
machine="$(echo "$out" | sed -n 's/^Standard state machine: //p')"
kill "$server"; wait "$server" 2>/dev/null || true
trap - EXIT
# the same machine with its fourth Wait turned into a Pass: every replay diverges there
changed="$(mktemp)"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["States"]["W3"]={"Type":"Pass","Next":"W4"}; print(json.dumps(d))' \
  load-tests/workloads/wait-8.asl.json > "$changed"
now() { python3 -c 'import time; print(time.time())'; }
since() { python3 -c "import sys,time; print('%.1f' % (time.time() - float(sys.argv[1])))" "$1"; }
echo "== journal verify"
./stepwise journal verify --data-dir "$data" | tail -1
echo "== journal verify --deep"
./stepwise journal verify --deep --data-dir "$data" | tail -1
events="$(./stepwise journal verify --data-dir "$data" | tail -1 | sed -n 's/^[0-9]* entities, \([0-9]*\) events.*/\1/p')"
echo "== history export --all (jsonl, to a pipe)"
# what starting the JVM and opening the data directory take: an export of an execution it does not hold
t0="$(now)"
./stepwise history export "${machine/:stateMachine:/:execution:}:no-such-execution" --data-dir "$data" > /dev/null 2>&1 || true
opening="$(since "$t0")"
t0="$(now)"
lines="$(./stepwise history export --all "$machine" --format jsonl --data-dir "$data" | wc -l)"
secs="$(since "$t0")"
python3 -c "import sys; e,l,s,o=int(sys.argv[1]),int(sys.argv[2]),float(sys.argv[3]),float(sys.argv[4]); print(f'{l} history events from {e} journal events in {s} s (JVM start included): {e/s:,.0f} journal events/s; {s-o:.1f} s after the {o} s that start the JVM and open the data directory: {e/(s-o):,.0f}/s')" \
  "$events" "$lines" "$secs" "$opening"
echo "== history export --all (json, to a file)"
file="$(mktemp)"
t0="$(now)"
./stepwise history export --all "$machine" --data-dir "$data" > "$file"
secs="$(since "$t0")"
python3 -c "import sys; e,s,o,b=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]),int(sys.argv[4]); print(f'{b:,} bytes from {e} journal events in {s} s (JVM start included): {e/s:,.0f} journal events/s; after the opening: {e/(s-o):,.0f}/s')" \
  "$events" "$secs" "$opening" "$(stat -c %s "$file")"
rm -f "$file"
echo "== replay --all against a changed definition"
./stepwise replay --all "$machine" --definition "$changed" --data-dir "$data" | tail -1 || true # every one diverges: exit 1
rm -f "$changed"
echo "data directory: $data (delete it when done)"
