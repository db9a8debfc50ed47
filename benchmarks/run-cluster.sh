#!/usr/bin/env bash
# Cluster benchmark (issue 5): a real 3-peer ZooKeeper ensemble (each peer its own JVM, fsync on) and
# DTM nodes as their own JVMs on loopback. Prints new leases per second with 1 node and with 3 nodes
# (the load client, durable: ESTABLISH, PARAMS, CONFIRM, ACK per new device) and the establishment-
# time distribution of real agents while one node is killed with kill -9. Arguments go to the
# program: --quick (about two minutes), --help for the rest. See benchmarks/CLUSTER.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/build-classpath.sh
bench_build run-cluster.sh
exec java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$BENCH_CLASSPATH" \
    net.dtm.benchmark.cluster.ClusterBenchmark "$@"
