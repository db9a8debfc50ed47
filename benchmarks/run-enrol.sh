#!/usr/bin/env bash
# Fleet enrolment benchmark (issue 15): 10,000 routers with only an enrolment token enrol at the same
# moment and establish with the credential they were granted, through one standalone node (Derby)
# and through a 3-node cluster (three in-process ZooKeeper peers), at 0 % and 50 % loss each way.
# Prints the time to 99 % and 100 % enrolled and established per scenario and checks the store
# against the fleet (no duplicate device, no lost credential); progress goes to stderr; writes
# benchmarks/target/enrol.csv. Arguments go to the program: --quick (1,000 routers), --help.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/build-classpath.sh
bench_build run-enrol.sh
cd benchmarks   # enrol.csv goes to benchmarks/target
exec java -Xmx4g -cp "$BENCH_CLASSPATH" net.dtm.benchmark.enrol.EnrolBenchmark "$@"
