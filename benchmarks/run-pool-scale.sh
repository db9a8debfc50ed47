#!/usr/bin/env bash
# Address pool scale benchmark: allocation time in an empty and a 99 % full pool of 1,000,000
# addresses, durable new-lease rate while filling it, start time and heap per lease with 1 M leases.
# Durable embedded Derby in a temp directory (deleted afterwards). Progress lines go to stderr; writes
# target/pool-scale.csv (allocation times), pool-scale-fill.csv (fill rate over time),
# pool-scale-summary.csv (every figure) and pool-scale.png under benchmarks/. Arguments go to the
# program: --size 100000 for a quick run, --help for the rest. Takes several minutes at the default size.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/build-classpath.sh
bench_build run-pool-scale.sh
cd benchmarks   # the CSV files and the PNG go to benchmarks/target
exec java -Xmx4g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$BENCH_CLASSPATH" net.dtm.benchmark.pool.PoolScaleBenchmark "$@"
