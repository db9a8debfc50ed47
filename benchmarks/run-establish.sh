#!/usr/bin/env bash
# Establishment-time benchmark: a standalone server stack (Derby store, pool, MINA UDP endpoints)
# and agents over emulated links, in one JVM on loopback. Prints one table row per scenario (progress
# goes to stderr) and writes target/establish.csv and target/establish.png. Arguments go to the
# program: --quick (about a minute), --headline (issue 3's acceptance scenarios), --help for the rest.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p benchmarks/target
if ! mvn -q -B -Dmaven.test.skip=true -pl benchmarks -am package dependency:build-classpath -Dmdep.outputFile=target/cp.txt \
        >benchmarks/target/build.log 2>&1; then
    cat benchmarks/target/build.log >&2
    echo "run-establish.sh: build failed (log above, also in benchmarks/target/build.log)" >&2
    exit 1
fi
cd benchmarks
exec java -Djava.awt.headless=true -cp "target/classes:$(cat target/cp.txt)" net.dtm.benchmark.EstablishBenchmark "$@"
