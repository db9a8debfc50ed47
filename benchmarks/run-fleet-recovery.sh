#!/usr/bin/env bash
# Fleet recovery benchmark (issue 17, item 7): 100,000 enrolled devices (real protocol, the agent's
# timing, many per JVM) hold leases; the standalone node (durable Derby), then the 3-node cluster
# (3-peer ZooKeeper ensemble), is stopped and started again; every device starts over as the agent
# does after losing its server. Prints the time until 99 % and 100 % hold a lease again and how many
# addresses changed (must be 0). Arguments go to the program: --devices N, --mode
# standalone|cluster|both, --timeout S, --help for the rest. See benchmarks/FLEET.md. Progress lines go
# to stderr; writes fleet.csv, fleet-timeline.csv, fleet-counters.csv and fleet.png to
# benchmarks/target/fleet/.
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
# The ensemble runs ZooKeeper 3.9.6's server, as run-cluster.sh does (see benchmarks/CLUSTER.md).
ZK_VERSION=3.9.6
ZK_DIR=benchmarks/target/zookeeper-server
mkdir -p "$ZK_DIR"
for a in zookeeper:3b2ee5076baf8ccc740a0aaaa26110f976addf70 zookeeper-jute:00675eaa194fc043d828d2d0bccc5677c3a88d51; do
    name=${a%%:*} sha1=${a#*:} jar="$ZK_DIR/${a%%:*}-$ZK_VERSION.jar"
    local_jar="$HOME/.m2/repository/org/apache/zookeeper/$name/$ZK_VERSION/$name-$ZK_VERSION.jar"
    [ -f "$jar" ] || cp "$local_jar" "$jar" 2>/dev/null \
        || curl -fsSL -o "$jar" "https://repo.maven.apache.org/maven2/org/apache/zookeeper/$name/$ZK_VERSION/$name-$ZK_VERSION.jar" \
        || { echo "run-fleet-recovery.sh: cannot fetch $name $ZK_VERSION" >&2; exit 1; }
    echo "$sha1  $jar" | sha1sum -c --quiet - || { rm -f "$jar"; echo "run-fleet-recovery.sh: $jar does not match its SHA-1" >&2; exit 1; }
done
ZK_JARS="$PWD/$ZK_DIR/zookeeper-$ZK_VERSION.jar:$PWD/$ZK_DIR/zookeeper-jute-$ZK_VERSION.jar"
cd benchmarks   # the CSV files and the PNG go to benchmarks/target/fleet
exec java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dfleet.command="$command" \
    -Ddtm.zookeeper.server.jars="$ZK_JARS" -cp "$BENCH_CLASSPATH" \
    net.dtm.benchmark.fleet.FleetRecoveryBenchmark "$@"
