#!/usr/bin/env bash
# Cluster benchmark (issue 5): a real 3-peer ZooKeeper ensemble (each peer its own JVM, fsync on) and
# DTM nodes as their own JVMs on loopback. Prints new leases per second with 1 node and with 3 nodes
# (the load client, durable: ESTABLISH, PARAMS, CONFIRM, ACK per new device) and the establishment-
# time distribution of real agents while one node is killed with kill -9. Arguments go to the
# program: --quick (about two minutes), --help for the rest. See benchmarks/CLUSTER.md. Progress lines
# go to stderr; writes target/cluster.csv, cluster-rate.csv, cluster-establish.csv and cluster.png
# under benchmarks/.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/build-classpath.sh
bench_build run-cluster.sh
# The ensemble runs ZooKeeper 3.9.6's server, as the chaos test does (3.9.3, the build's compile
# dependency, lost committed transactions in the chaos test's kill sequence: benchmarks/CLUSTER.md).
ZK_VERSION=3.9.6
ZK_DIR=benchmarks/target/zookeeper-server
mkdir -p "$ZK_DIR"
# 3.9.6's parent POM is missing on Central, so Maven cannot fetch these jars: the local repository
# (the features build put them there) or Central, checked against the published SHA-1.
for a in zookeeper:3b2ee5076baf8ccc740a0aaaa26110f976addf70 zookeeper-jute:00675eaa194fc043d828d2d0bccc5677c3a88d51; do
    name=${a%%:*} sha1=${a#*:} jar="$ZK_DIR/${a%%:*}-$ZK_VERSION.jar"
    local_jar="$HOME/.m2/repository/org/apache/zookeeper/$name/$ZK_VERSION/$name-$ZK_VERSION.jar"
    [ -f "$jar" ] || cp "$local_jar" "$jar" 2>/dev/null \
        || curl -fsSL -o "$jar" "https://repo.maven.apache.org/maven2/org/apache/zookeeper/$name/$ZK_VERSION/$name-$ZK_VERSION.jar" \
        || { echo "run-cluster.sh: cannot fetch $name $ZK_VERSION" >&2; exit 1; }
    echo "$sha1  $jar" | sha1sum -c --quiet - || { rm -f "$jar"; echo "run-cluster.sh: $jar does not match its SHA-1" >&2; exit 1; }
done
ZK_JARS="$PWD/$ZK_DIR/zookeeper-$ZK_VERSION.jar:$PWD/$ZK_DIR/zookeeper-jute-$ZK_VERSION.jar"
cd benchmarks   # the CSV files and the PNG go to benchmarks/target
exec java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Ddtm.zookeeper.server.jars="$ZK_JARS" -cp "$BENCH_CLASSPATH" \
    net.dtm.benchmark.cluster.ClusterBenchmark "$@"
