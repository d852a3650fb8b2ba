#!/usr/bin/env bash
# HttpLoad: StartSyncExecution/s (EXPRESS) and Standard executions completed/s over raw SigV4-signed
# HTTP/1.1 from one NIO thread (see load-tests/README.md). Builds load-tests when its classes are
# missing or older than the sources, then runs from the repository root so the default workload
# (load-tests/workloads/pass-choice-6.*) is found.
#   load-tests/http-load.sh [--own-server] [HttpLoad options]      (--help lists the options)
# --own-server starts ./stepwise serve on a scratch data directory and port (BENCH_PORT, default
# 18083), points the load at it and stops it at the end; otherwise --endpoint (default
# http://127.0.0.1:8083) must already be serving. HTTPLOAD_JAVA_OPTS is passed to the JVM.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
classes="$root/load-tests/target/classes"
stamp="$classes/io/stepwise/loadtests/HttpLoad.class"

if [ ! -f "$stamp" ] || [ -n "$(find "$root/load-tests/pom.xml" "$root/load-tests/src/main" -newer "$stamp" -type f -print -quit)" ]; then
  echo "http-load: building load-tests (mvn package, tests skipped)..." >&2
  (cd "$root" && mvn -B -q -ntp -DskipTests -pl load-tests -am package) >&2
fi

args=()
if [ "${1:-}" = "--own-server" ]; then
  shift
  port="${BENCH_PORT:-18083}"
  data="$(mktemp -d)"
  "$root/stepwise" serve --port "$port" --data-dir "$data" > "$data.log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$data" "$data.log"' EXIT
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
    kill -0 $server 2>/dev/null || { cat "$data.log" >&2; exit 1; }
    sleep 0.5
  done
  args=(--endpoint "http://127.0.0.1:$port")
fi

cd "$root"
# Serial GC: no GC threads competing with the server for the shared cores.
java -XX:+UseSerialGC -Xms128m -Xmx1g ${HTTPLOAD_JAVA_OPTS:-} -cp "$classes" \
  io.stepwise.loadtests.HttpLoad "${args[@]}" "$@"
