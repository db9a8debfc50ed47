#!/usr/bin/env bash
# Address pool scale benchmark: allocation time in an empty and a 99 % full pool of 1,000,000
# addresses, durable new-lease rate while filling it, start time and heap per lease with 1 M leases.
# Durable embedded Derby in a temp directory (deleted afterwards). Arguments go to the program:
# --size 100000 for a quick run, --help for the rest. Takes several minutes at the default size.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p benchmarks/target
if ! mvn -q -B -Dmaven.test.skip=true -pl benchmarks -am package dependency:build-classpath -Dmdep.outputFile=target/cp.txt \
        >benchmarks/target/build.log 2>&1; then
    cat benchmarks/target/build.log >&2
    echo "run-pool-scale.sh: build failed (log above, also in benchmarks/target/build.log)" >&2
    exit 1
fi
cd benchmarks
exec java -Xmx4g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "target/classes:$(cat target/cp.txt)" \
    net.dtm.benchmark.pool.PoolScaleBenchmark "$@"
