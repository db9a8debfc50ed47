#!/usr/bin/env bash
# Cluster benchmark (issue 5): a real 3-peer ZooKeeper ensemble (each peer its own JVM, fsync on) and
# DTM nodes as their own JVMs on loopback. Prints new leases per second with 1 node and with 3 nodes
# (the load client, durable: ESTABLISH, PARAMS, CONFIRM, ACK per new device) and the establishment-
# time distribution of real agents while one node is killed with kill -9. Arguments go to the
# program: --quick (about two minutes), --help for the rest. See benchmarks/CLUSTER.md. Progress lines
# go to stderr; writes target/cluster.csv, cluster-rate.csv, cluster-establish.csv and cluster.png
# under benchmarks/.
# DTM_ZK_HEAP: each ZooKeeper peer's heap (default 1g; ZooKeeper keeps every znode in memory).
# DTM_CLUSTER_JVM: test (default: the tests' lighter JVMs, serial collector, peers compiled by C1
# only) or production (peers and nodes on the JVM's defaults, G1 and both compilers, as deployed;
# slower in runs this short on two cores, see CLUSTER.md).
# DTM_ZK_OPTS: more JVM options for each ZooKeeper peer, separated by spaces (no quoting), after
# the others (e.g. ZooKeeper's -Dzookeeper.* settings, which win over the peers' zoo.cfg tuning
# for small machines); none by default.
# DTM_NODE_CPUS: a CPU budget for each node, in cores (e.g. 0.35), as if each had a machine of its
# own while the peers and the load client share the rest (benchmarks/node-cpu-budget.sh: cgroups,
# needs root); none by default.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -z "${DTM_NODE_CPUS:-}" ]] || benchmarks/node-cpu-budget.sh --check "$DTM_NODE_CPUS"
. benchmarks/build-classpath.sh
bench_build run-cluster.sh
zookeeper_server_jars run-cluster.sh   # ZK_JARS: the ensemble runs ZooKeeper 3.9.6 (build-classpath.sh)
cd benchmarks   # the CSV files and the PNG go to benchmarks/target
bench=(java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Ddtm.zookeeper.server.jars="$ZK_JARS" -Ddtm.zookeeper.heap="${DTM_ZK_HEAP:-1g}" \
    -Ddtm.cluster.jvm="${DTM_CLUSTER_JVM:-test}" \
    -Ddtm.zookeeper.peer.options="${DTM_ZK_OPTS:-}" -cp "$BENCH_CLASSPATH" \
    net.dtm.benchmark.cluster.ClusterBenchmark "$@")
if [[ -z "${DTM_NODE_CPUS:-}" ]]; then
    exec "${bench[@]}"
fi
java_pid=
trap '[[ -z "$java_pid" ]] || kill "$java_pid" 2>/dev/null' INT TERM
"${bench[@]}" & java_pid=$!
../benchmarks/node-cpu-budget.sh "$DTM_NODE_CPUS" "$java_pid" & budget_pid=$!
ended=
while [[ -z "${ended:-}" ]]; do # a signal's trap ends a wait early, with nothing ended
    status=0
    wait -n -p ended "$java_pid" "$budget_pid" || status=$?
done
if [[ "$ended" == "$budget_pid" ]]; then
    echo "run-cluster.sh: node-cpu-budget.sh ended (status $status) while the benchmark ran; stopping the" \
        "benchmark, whose figures would no longer have the nodes' budgets" >&2
    kill "$java_pid" 2>/dev/null || true
    wait "$java_pid" || true
    exit 1
fi
if ! wait "$budget_pid"; then
    echo "run-cluster.sh: node-cpu-budget.sh failed after the benchmark (see its lines above)" >&2
    [[ $status != 0 ]] || status=1
fi
exit "$status"
