#!/usr/bin/env bash
# Establishment-time benchmark: a standalone server stack (Derby store, pool, MINA UDP endpoints)
# and agents over emulated links, in one JVM on loopback. Prints one table row per scenario (progress
# goes to stderr) and writes target/establish.csv and target/establish.png. Arguments go to the
# program: --quick (about a minute), --headline (issues 3 and 17: acceptance scenarios), --trace MS (slow
# establishments datagram by datagram), --help for the rest.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/build-classpath.sh
bench_build run-establish.sh
cd benchmarks   # establish.csv and establish.png go to benchmarks/target
exec java -Djava.awt.headless=true -cp "$BENCH_CLASSPATH" net.dtm.benchmark.EstablishBenchmark "$@"
