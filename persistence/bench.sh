#!/bin/sh
# Journal benchmark (not a test): events/s with fsync on, through the real plugin protocol.
#   persistence/bench.sh [seconds] [writers...]          default: 10 s, 1 and 100 writers
#   JAVA_OPTS=-Dbench.mode=entities persistence/bench.sh  drive typed EventSourcedBehaviors instead
# The test classpath comes from surefire's report of one quick test, so no extra Maven plugin is
# needed (works offline).
set -e
cd "$(dirname "$0")/.."
mvn -q -pl persistence test -Dtest=EventCipherTest
CP=$(sed -n 's/.*name="surefire.test.class.path" value="\([^"]*\)".*/\1/p' \
  persistence/target/surefire-reports/TEST-io.stepwise.persistence.crypto.EventCipherTest.xml)
exec java $JAVA_OPTS -cp "$CP" io.stepwise.persistence.journal.JournalBench "$@"
