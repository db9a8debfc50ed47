#!/usr/bin/env bash
# Fleet recovery benchmark (issue 17, item 7): 100,000 enrolled devices (real protocol, the agent's
# timing, many per JVM) hold leases; the standalone node (durable Derby), then the 3-node cluster
# (3-peer ZooKeeper ensemble), is stopped and started again; every device starts over as the agent
# does after losing its server. Prints the time until 99 % and 100 % hold a lease again and how many
# addresses changed (must be 0). Arguments go to the program: --devices N, --mode
# standalone|cluster|both, --timeout S, --help for the rest. See benchmarks/FLEET.md. Progress lines go
# to stderr; writes fleet.csv, fleet-timeline.csv, fleet-counters.csv and fleet.png to
# benchmarks/target/fleet/.
# DTM_ZK_HEAP: each ZooKeeper peer's heap (default 1g; ZooKeeper keeps every znode in memory).
# DTM_CLUSTER_JVM: test (default: the tests' lighter JVMs, serial collector, peers compiled by C1
# only) or production (the JVM's defaults), as for run-cluster.sh (see CLUSTER.md).
# DTM_ZK_OPTS: more JVM options for each ZooKeeper peer, as for run-cluster.sh; none by default.
set -euo pipefail
cd "$(dirname "$0")/.."
command="benchmarks/run-fleet-recovery.sh${*:+ $*}"
for a in "$@"; do
    if [[ "$a" == --help || "$a" == -h ]]; then
        BENCH_SKIP_BUILD=${BENCH_SKIP_BUILD:-$([[ -d benchmarks/target/classes ]] && echo 1)}
    fi
done
. benchmarks/build-classpath.sh
bench_build run-fleet-recovery.sh
zookeeper_server_jars run-fleet-recovery.sh   # ZK_JARS: the ensemble runs ZooKeeper 3.9.6 (build-classpath.sh)
cd benchmarks   # the CSV files and the PNG go to benchmarks/target/fleet
exec java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dfleet.command="$command" \
    -Ddtm.zookeeper.server.jars="$ZK_JARS" -Ddtm.zookeeper.heap="${DTM_ZK_HEAP:-1g}" \
    -Ddtm.cluster.jvm="${DTM_CLUSTER_JVM:-test}" \
    -Ddtm.zookeeper.peer.options="${DTM_ZK_OPTS:-}" -cp "$BENCH_CLASSPATH" \
    net.dtm.benchmark.fleet.FleetRecoveryBenchmark "$@"
