#!/usr/bin/env bash
# Establishment-time benchmark: a standalone server stack (Derby store, pool, MINA UDP endpoints)
# and agents over three emulated links, in one JVM on loopback. Prints one table row per scenario
# and writes target/establish.csv. Arguments go to the program (--help lists them).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests -pl benchmarks -am package dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null
cd benchmarks
exec java -cp "target/classes:$(cat target/cp.txt)" net.dtm.benchmark.EstablishBenchmark "$@"
