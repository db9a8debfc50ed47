#!/usr/bin/env bash
# Establishment-time benchmark: a standalone server stack (Derby store, pool, UDP endpoint) and
# agents over three emulated links, in one JVM on loopback. Prints one table row per scenario.
# Arguments are passed to the program (see EstablishBenchmark --help). Needs `mvn -DskipTests install` first.
set -euo pipefail
cd "$(dirname "$0")"
mvn -q -o dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null
mvn -q -o compile >/dev/null
exec java -cp "target/classes:$(cat target/cp.txt)" net.dtm.benchmark.EstablishBenchmark "$@"
