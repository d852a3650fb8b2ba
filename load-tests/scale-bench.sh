#!/usr/bin/env bash
# ScaleBench: the engine at scale on a server JVM (-Xmx2g) it forks and kills itself:
#   parked  N Standard executions parked in an hour-long Wait: start rate, heap after GC, RSS, disk,
#           then kill -9 and a restart: JVM start to first answer with N stored;
#   due     M executions waiting 20 s, kill -9, restart once all are due: how fast the due timers fire;
#   virtual V executions each waiting a day on --clock virtual: time until all have succeeded.
#   load-tests/scale-bench.sh [--parked 1000000] [--due 100000] [--virtual 100000] [--connections 64]
# A count of 0 skips its scenario. Builds the server jar and load-tests when they are missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ ! -f server/target/stepwise-all.jar ] || [ ! -f load-tests/target/classes/io/stepwise/loadtests/ScaleBench.class ]; then
  echo "scale-bench: building (mvn package, tests skipped)..." >&2
  mvn -B -q -ntp -DskipTests -pl server,load-tests -am package >&2
fi
exec java -XX:+UseSerialGC -Xmx1g -cp load-tests/target/classes io.stepwise.loadtests.ScaleBench \
  --jar server/target/stepwise-all.jar "$@"
